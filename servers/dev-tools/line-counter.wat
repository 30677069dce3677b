;; The line counter's state machine (see line-counter.ts for the rules it implements).
;; It runs over every byte of every file, so it is WebAssembly: several times faster than
;; the same loop in JavaScript. Rebuild line-counter-wasm.ts after editing:
;;   node servers/dev-tools/build-wasm.mjs
;;
;; Memory (addresses shared with line-counter.ts):
;;   0      state block, i32 fields (below)
;;   1024   syntax descriptors, written by compileSyntax:
;;            +0 normal stop table[256]  +256 refStart[256]  +512 refCount[256]
;;            +768 refs[64] (token indices)
;;            +1024 tokens, 320 bytes each:
;;               +0 kind  +1 openLen  +2 closeLen (0: never closes)  +3 escape (0: none)  +4 multiline
;;               +5 caseInsensitive  +6 after the opener (0: anything, 1: no word byte, 2: a letter)
;;               +7 where it opens (0: anywhere, 1: first non-blank of a line, 2: column 1)
;;               +8 open[16]  +24 close[16]  +40 nests  +41 closes in column 1 only, then the rest
;;               of that line is comment  +64 stop table[256]
;;   512    marker table[256]: first bytes of TODO, FIXME, HACK
;;   DATA   file bytes (line-counter.ts DATA_ADDRESS)
;;   HITS   markers found in comments during one feed: (file offset, marker 0-2, line) i32 triples
;; Token kinds: 0 line comment, 1 block comment, 2 string, 3 doc string (a string whose text is comment).
;; States: 0 normal, 1 line comment, 2 block comment, 3 string.
(module
  (memory (export "memory") 40)

  (global $HITS i32 (i32.const 1310720))
  (global $MAX_HITS i32 (i32.const 4096))

  ;; State block offsets
  ;;  0 state  4 token  8 depth  12 hasCode  16 hasComment  20 docAsComment
  ;;  24 code  28 comment  32 blank  36 newlines  40 lineStart  44 (unused)  48 hitCount

  (func $match (param $p i32) (param $end i32) (param $tok i32) (param $len i32) (param $ci i32) (result i32)
    (local $k i32) (local $b i32)
    (if (i32.gt_u (i32.add (local.get $p) (local.get $len)) (local.get $end)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $len)))
        (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $k))))
        (if (local.get $ci)
          (then
            (if (i32.lt_u (i32.sub (local.get $b) (i32.const 65)) (i32.const 26))
              (then (local.set $b (i32.add (local.get $b) (i32.const 32)))))))
        (if (i32.ne (local.get $b) (i32.load8_u (i32.add (local.get $tok) (local.get $k))))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func $isWord (param $b i32) (result i32)
    (i32.or
      (i32.or
        (i32.lt_u (i32.sub (local.get $b) (i32.const 48)) (i32.const 10))
        (i32.lt_u (i32.sub (i32.or (local.get $b) (i32.const 32)) (i32.const 97)) (i32.const 26)))
      (i32.eq (local.get $b) (i32.const 95))))

  (func $isLetter (param $b i32) (result i32)
    (i32.lt_u (i32.sub (i32.or (local.get $b) (i32.const 32)) (i32.const 97)) (i32.const 26)))

  ;; At a marker's first byte inside a comment: records TODO, FIXME or HACK when it is a
  ;; whole word. Returns the new hit count.
  (func $marker (param $i i32) (param $end i32) (param $base i32) (param $line i32) (param $hits i32) (result i32)
    (local $c i32) (local $m i32) (local $len i32)
    (if (i32.ge_u (local.get $hits) (global.get $MAX_HITS)) (then (return (local.get $hits))))
    (if (call $isWord (i32.load8_u (i32.sub (local.get $i) (i32.const 1)))) (then (return (local.get $hits))))
    (local.set $c (i32.load8_u (local.get $i)))
    ;; "TODO" = 0x4f444f54, "FIXM"+"E", "HACK" = 0x4b434148 (little-endian loads)
    (if (i32.eq (local.get $c) (i32.const 84))
      (then (local.set $m (i32.const 0)) (local.set $len (i32.const 4))
        (if (i32.ne (i32.load (local.get $i)) (i32.const 0x4f444f54)) (then (return (local.get $hits))))))
    (if (i32.eq (local.get $c) (i32.const 70))
      (then (local.set $m (i32.const 1)) (local.set $len (i32.const 5))
        (if (i32.or (i32.ne (i32.load (local.get $i)) (i32.const 0x4d584946))
                    (i32.ne (i32.load8_u offset=4 (local.get $i)) (i32.const 69)))
          (then (return (local.get $hits))))))
    (if (i32.eq (local.get $c) (i32.const 72))
      (then (local.set $m (i32.const 2)) (local.set $len (i32.const 4))
        (if (i32.ne (i32.load (local.get $i)) (i32.const 0x4b434148)) (then (return (local.get $hits))))))
    (if (i32.gt_u (i32.add (local.get $i) (local.get $len)) (local.get $end)) (then (return (local.get $hits))))
    (if (call $isWord (i32.load8_u (i32.add (local.get $i) (local.get $len)))) (then (return (local.get $hits))))
    (i32.store (i32.add (global.get $HITS) (i32.mul (local.get $hits) (i32.const 12))) (i32.add (local.get $base) (local.get $i)))
    (i32.store offset=4 (i32.add (global.get $HITS) (i32.mul (local.get $hits) (i32.const 12))) (local.get $m))
    (i32.store offset=8 (i32.add (global.get $HITS) (i32.mul (local.get $hits) (i32.const 12))) (local.get $line))
    (i32.add (local.get $hits) (i32.const 1)))

  ;; Consumes [i, limit); token matches may read up to `end`. `base` + address = file offset.
  ;; Returns the address where it stopped.
  (func (export "feed") (param $i i32) (param $limit i32) (param $end i32) (param $base i32) (param $syn i32) (result i32)
    (local $state i32) (local $tok i32) (local $depth i32) (local $hasCode i32) (local $hasComment i32)
    (local $doc i32) (local $code i32) (local $comment i32) (local $blank i32) (local $newlines i32)
    (local $lineStart i32) (local $hits i32)
    (local $c i32) (local $t i32) (local $k i32) (local $n i32) (local $kind i32) (local $atStart i32)
    (local $inComment i32) (local $stop i32) (local $seen i32) (local $len i32)
    (local $where i32) (local $after i32) (local $b i32)

    (local.set $state (i32.load (i32.const 0)))
    (local.set $tok (i32.load (i32.const 4)))
    (local.set $depth (i32.load (i32.const 8)))
    (local.set $hasCode (i32.load (i32.const 12)))
    (local.set $hasComment (i32.load (i32.const 16)))
    (local.set $doc (i32.load (i32.const 20)))
    (local.set $code (i32.load (i32.const 24)))
    (local.set $comment (i32.load (i32.const 28)))
    (local.set $blank (i32.load (i32.const 32)))
    (local.set $newlines (i32.load (i32.const 36)))
    (local.set $lineStart (i32.load (i32.const 40)))

    (block $exit
      (loop $main
        (br_if $exit (i32.ge_u (local.get $i) (local.get $limit)))
        (local.set $c (i32.load8_u (local.get $i)))

        ;; Newline: classify the line, end line comments and one-line strings.
        (if (i32.eq (local.get $c) (i32.const 10))
          (then
            (if (local.get $hasCode)
              (then (local.set $code (i32.add (local.get $code) (i32.const 1))))
              (else
                (if (local.get $hasComment)
                  (then (local.set $comment (i32.add (local.get $comment) (i32.const 1))))
                  (else (local.set $blank (i32.add (local.get $blank) (i32.const 1)))))))
            (local.set $hasCode (i32.const 0))
            (local.set $hasComment (i32.const 0))
            (local.set $newlines (i32.add (local.get $newlines) (i32.const 1)))
            (local.set $lineStart (i32.add (i32.add (local.get $base) (local.get $i)) (i32.const 1)))
            (if (i32.eq (local.get $state) (i32.const 1))
              (then
                (local.set $state (i32.const 0)))
              (else
                (if (i32.and (i32.eq (local.get $state) (i32.const 3))
                      (i32.eqz (i32.load8_u offset=4 (local.get $tok))))
                  (then (local.set $state (i32.const 0))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $main)))

        ;; Normal state.
        (if (i32.eqz (local.get $state))
          (then
            (if (i32.eqz (i32.load8_u (i32.add (local.get $syn) (local.get $c))))
              (then
                ;; Plain bytes up to the next stop; plain newlines are counted here too.
                (if (i32.gt_u (local.get $c) (i32.const 32)) (then (local.set $hasCode (i32.const 1))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (block $b1
                  (loop $l1
                    (br_if $b1 (i32.ge_u (local.get $i) (local.get $limit)))
                    (local.set $c (i32.load8_u (local.get $i)))
                    (if (i32.load8_u (i32.add (local.get $syn) (local.get $c)))
                      (then
                        (br_if $b1 (i32.ne (local.get $c) (i32.const 10)))
                        (if (local.get $hasCode)
                          (then (local.set $code (i32.add (local.get $code) (i32.const 1))))
                          (else
                            (if (local.get $hasComment)
                              (then (local.set $comment (i32.add (local.get $comment) (i32.const 1))))
                              (else (local.set $blank (i32.add (local.get $blank) (i32.const 1)))))))
                        (local.set $hasCode (i32.const 0))
                        (local.set $hasComment (i32.const 0))
                        (local.set $newlines (i32.add (local.get $newlines) (i32.const 1)))
                        (local.set $lineStart (i32.add (i32.add (local.get $base) (local.get $i)) (i32.const 1)))
                        (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br $l1)))
                    (if (i32.gt_u (local.get $c) (i32.const 32)) (then (local.set $hasCode (i32.const 1))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $l1)))
                (br $main)))
            ;; A byte that may open a token: try the candidates, longest first.
            (local.set $atStart (i32.eqz (i32.or (local.get $hasCode) (local.get $hasComment))))
            (local.set $k (i32.load8_u offset=256 (i32.add (local.get $syn) (local.get $c))))
            (local.set $n (i32.load8_u offset=512 (i32.add (local.get $syn) (local.get $c))))
            (local.set $t (i32.const 0))
            (block $found
              (loop $cand
                (br_if $found (i32.eqz (local.get $n)))
                (local.set $t (i32.add (i32.add (local.get $syn) (i32.const 1024))
                  (i32.mul (i32.load8_u offset=768 (i32.add (local.get $syn) (local.get $k))) (i32.const 320))))
                (local.set $kind (i32.load8_u (local.get $t)))
                (local.set $len (i32.load8_u offset=1 (local.get $t)))
                (block $skip
                  (local.set $where (i32.load8_u offset=7 (local.get $t)))
                  (br_if $skip (i32.and (i32.eq (local.get $where) (i32.const 2))
                    (i32.ne (i32.add (local.get $base) (local.get $i)) (local.get $lineStart))))
                  (br_if $skip (i32.and (i32.eq (local.get $where) (i32.const 1)) (i32.eqz (local.get $atStart))))
                  (br_if $skip (i32.eqz (call $match (local.get $i) (local.get $end) (i32.add (local.get $t) (i32.const 8))
                    (local.get $len) (i32.load8_u offset=5 (local.get $t)))))
                  (local.set $after (i32.load8_u offset=6 (local.get $t)))
                  (br_if $found (i32.eqz (local.get $after)))
                  ;; The byte after the opener (end of input reads as a newline).
                  (local.set $b (i32.const 10))
                  (if (i32.lt_u (i32.add (local.get $i) (local.get $len)) (local.get $end))
                    (then (local.set $b (i32.load8_u (i32.add (local.get $i) (local.get $len))))))
                  (br_if $skip (i32.and (i32.eq (local.get $after) (i32.const 1)) (call $isWord (local.get $b))))
                  (br_if $skip (i32.and (i32.eq (local.get $after) (i32.const 2)) (i32.eqz (call $isLetter (local.get $b)))))
                  (br $found))
                (local.set $t (i32.const 0))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $cand)))
            (if (i32.eqz (local.get $t))
              (then
                ;; Opened nothing: the byte is code (markers are never blank).
                (local.set $hasCode (i32.const 1))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $main)))
            (local.set $tok (local.get $t))
            (if (i32.le_u (local.get $kind) (i32.const 1))
              (then
                ;; A comment opens: a line comment (0) or a block comment (1).
                (local.set $state (select (i32.const 1) (i32.const 2) (i32.eqz (local.get $kind))))
                (local.set $depth (i32.const 1))
                (local.set $hasComment (i32.const 1))
                (local.set $doc (i32.const 0)))
              (else
                (local.set $state (i32.const 3))
                ;; A doc string's text is comment (cloc's rule); any other string is code.
                (local.set $doc (i32.eq (local.get $kind) (i32.const 3)))
                (if (local.get $doc)
                  (then (local.set $hasComment (i32.const 1)))
                  (else (local.set $hasCode (i32.const 1))))))
            (local.set $i (i32.add (local.get $i) (local.get $len)))
            (br $main)))

        ;; Line comment: nothing matters until the newline.
        (if (i32.eq (local.get $state) (i32.const 1))
          (then
            (block $b2
              (loop $l2
                (br_if $b2 (i32.ge_u (local.get $i) (local.get $limit)))
                (local.set $c (i32.load8_u (local.get $i)))
                (br_if $b2 (i32.eq (local.get $c) (i32.const 10)))
                (if (i32.load8_u offset=512 (local.get $c))
                  (then (local.set $hits (call $marker (local.get $i) (local.get $end) (local.get $base)
                    (i32.add (local.get $newlines) (i32.const 1)) (local.get $hits)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l2)))
            (br $main)))

        ;; Block comment or string: scan to the next byte that matters to this token.
        (local.set $inComment (i32.or (i32.eq (local.get $state) (i32.const 2)) (local.get $doc)))
        (local.set $stop (i32.add (local.get $tok) (i32.const 64)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $stop) (local.get $c))))
          (then
            (local.set $seen (i32.const 0))
            (block $b3
              (loop $l3
                (br_if $b3 (i32.ge_u (local.get $i) (local.get $limit)))
                (local.set $c (i32.load8_u (local.get $i)))
                (br_if $b3 (i32.load8_u (i32.add (local.get $stop) (local.get $c))))
                (local.set $seen (i32.or (local.get $seen) (i32.gt_u (local.get $c) (i32.const 32))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l3)))
            (if (local.get $seen)
              (then
                (if (local.get $inComment)
                  (then (local.set $hasComment (i32.const 1)))
                  (else (local.set $hasCode (i32.const 1))))))
            (br $main)))
        (if (local.get $inComment)
          (then (local.set $hasComment (i32.const 1)))
          (else (local.set $hasCode (i32.const 1))))
        ;; Escape: skip the next byte, unless it is the newline (it must still end the line).
        (if (i32.and (i32.eq (local.get $state) (i32.const 3))
              (i32.and (i32.ne (i32.load8_u offset=3 (local.get $tok)) (i32.const 0))
                       (i32.eq (local.get $c) (i32.load8_u offset=3 (local.get $tok)))))
          (then
            (local.set $i (i32.add (local.get $i)
              (select (i32.const 1) (i32.const 2)
                (i32.eq (i32.load8_u offset=1 (local.get $i)) (i32.const 10)))))
            (br $main)))
        (local.set $len (i32.load8_u offset=2 (local.get $tok)))
        (if (i32.and
              (i32.and (i32.ne (local.get $len) (i32.const 0))
                ;; Ruby's =end and Perl's =cut close only in column 1.
                (i32.or (i32.eqz (i32.load8_u offset=41 (local.get $tok)))
                        (i32.eq (i32.add (local.get $base) (local.get $i)) (local.get $lineStart))))
              (call $match (local.get $i) (local.get $end) (i32.add (local.get $tok) (i32.const 24)) (local.get $len) (i32.const 0)))
          (then
            (local.set $i (i32.add (local.get $i) (local.get $len)))
            (if (i32.eq (local.get $state) (i32.const 2))
              (then (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))))
            (if (i32.or (i32.eq (local.get $state) (i32.const 3)) (i32.eqz (local.get $depth)))
              (then
                ;; After a column-1 closer the rest of its line is comment too.
                (local.set $state (i32.load8_u offset=41 (local.get $tok)))
                (local.set $doc (i32.const 0))))
            (br $main)))
        (if (i32.and (i32.eq (local.get $state) (i32.const 2)) (i32.load8_u offset=40 (local.get $tok)))
          (then
            (local.set $len (i32.load8_u offset=1 (local.get $tok)))
            (if (call $match (local.get $i) (local.get $end) (i32.add (local.get $tok) (i32.const 8)) (local.get $len) (i32.const 0))
              (then
                (local.set $i (i32.add (local.get $i) (local.get $len)))
                (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
                (br $main)))))
        ;; Comment stop tables flag the markers' first bytes too.
        (if (i32.and (local.get $inComment) (i32.load8_u offset=512 (local.get $c)))
          (then (local.set $hits (call $marker (local.get $i) (local.get $end) (local.get $base)
            (i32.add (local.get $newlines) (i32.const 1)) (local.get $hits)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $main)))

    (i32.store (i32.const 0) (local.get $state))
    (i32.store (i32.const 4) (local.get $tok))
    (i32.store (i32.const 8) (local.get $depth))
    (i32.store (i32.const 12) (local.get $hasCode))
    (i32.store (i32.const 16) (local.get $hasComment))
    (i32.store (i32.const 20) (local.get $doc))
    (i32.store (i32.const 24) (local.get $code))
    (i32.store (i32.const 28) (local.get $comment))
    (i32.store (i32.const 32) (local.get $blank))
    (i32.store (i32.const 36) (local.get $newlines))
    (i32.store (i32.const 40) (local.get $lineStart))
    (i32.store (i32.const 48) (local.get $hits))
    (local.get $i)))
