// Preloaded (`node --import`) into a third-party server under test: a listen() given a port
// but no host binds 127.0.0.1, never every interface.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null && first.port !== undefined && !first.host)
    args[0] = { ...first, host: '127.0.0.1' };
  else if ((typeof first === 'number' || /^\d+$/.test(String(first))) && typeof second !== 'string')
    args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, /** @type {any} */ (args));
};
