import type { Field, FormValue, FormValues } from '@taskdeck/client/schema-form';
import { useId } from 'react';

interface SchemaFormProps {
  fields: readonly Field[];
  values: FormValues;
  errors: Record<string, string>;
  onChange(name: string, value: FormValue): void;
}

const control =
  'w-full rounded-md border bg-white px-2.5 py-1.5 text-sm dark:bg-neutral-950 focus-visible:outline-2 focus-visible:outline-sky-500';

/** The allowed range ("≥ 1, ≤ 50"), unless the description already states it. */
function bounds(field: Field): string | undefined {
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum, description = '' } = field;
  const stated = (n: number) =>
    description.includes(n.toLocaleString('en-US')) || description.includes(String(n));
  const parts = [
    minimum !== undefined ? `≥ ${minimum}` : exclusiveMinimum !== undefined ? `> ${exclusiveMinimum}` : '',
    maximum !== undefined ? `≤ ${maximum}` : exclusiveMaximum !== undefined ? `< ${exclusiveMaximum}` : '',
  ].filter(Boolean);
  const high = maximum ?? exclusiveMaximum;
  if (parts.length === 0 || (high !== undefined && stated(high))) return undefined;
  return parts.join(', ');
}

function FieldControl({
  field,
  value,
  error,
  onChange,
  id,
  describedBy,
}: {
  field: Field;
  value: FormValue | undefined;
  error?: string;
  onChange(value: FormValue): void;
  id: string;
  describedBy: string | undefined;
}) {
  const border = error ? 'border-red-500 dark:border-red-500' : 'border-neutral-300 dark:border-neutral-700';
  const common = {
    id,
    name: field.name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required || undefined,
  };
  const text = typeof value === 'string' ? value : '';
  switch (field.kind) {
    case 'boolean':
      return (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
          className="size-4 accent-sky-600"
        />
      );
    case 'optional-boolean':
      return (
        <select
          {...common}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${control} ${border}`}
        >
          <option value="">(not set)</option>
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      );
    case 'enum':
      return (
        <select
          {...common}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${control} ${border}`}
        >
          {(!field.required || text === '') && (
            <option value="">{field.required ? 'Choose…' : '(not set)'}</option>
          )}
          {field.options?.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
    case 'multi-enum': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset
          id={id}
          aria-labelledby={`${id}-label`}
          aria-invalid={common['aria-invalid']}
          aria-describedby={describedBy}
          className={`flex flex-wrap gap-x-4 gap-y-1 rounded-md border px-2.5 py-1.5 ${border}`}
        >
          {field.options?.map((option) => (
            <label key={option.value} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                name={field.name}
                value={option.value}
                checked={chosen.includes(option.value)}
                onChange={(event) =>
                  onChange(
                    event.target.checked
                      ? [...chosen, option.value]
                      : chosen.filter((item) => item !== option.value),
                  )
                }
                className="size-4 accent-sky-600"
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'number':
    case 'integer':
      return (
        <input
          {...common}
          type="number"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          step={field.kind === 'integer' ? 1 : 'any'}
          min={field.minimum}
          max={field.maximum}
          value={text}
          placeholder={field.defaultValue !== undefined ? `default ${String(field.defaultValue)}` : undefined}
          onChange={(event) => onChange(event.target.value)}
          className={`${control} ${border}`}
        />
      );
    case 'string-list':
    case 'json':
      return (
        <textarea
          {...common}
          rows={3}
          value={text}
          placeholder={field.kind === 'string-list' ? 'One per line, or separated by commas' : 'JSON'}
          onChange={(event) => onChange(event.target.value)}
          className={`${control} ${border} font-mono`}
        />
      );
    default:
      return field.multiline ? (
        <textarea
          {...common}
          rows={3}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${control} ${border}`}
        />
      ) : (
        <input
          {...common}
          type="text"
          value={text}
          minLength={field.minLength}
          maxLength={field.maxLength}
          onChange={(event) => onChange(event.target.value)}
          className={`${control} ${border}`}
          autoComplete="off"
          spellCheck={false}
        />
      );
  }
}

function RequiredMark() {
  return (
    <span className="text-red-600" aria-hidden="true">
      {' '}
      *
    </span>
  );
}

/**
 * Inputs for a JSON Schema's fields with labels, hints and one message per wrong field.
 * It sits inside the caller's <form>, so Enter submits. Native constraint validation is
 * off (noValidate on the form): messages come from validateForm, the same for every host.
 */
export function SchemaForm({ fields, values, errors, onChange }: SchemaFormProps) {
  const baseId = useId();
  if (fields.length === 0) return <p className="text-sm text-neutral-500">This takes no arguments.</p>;
  return (
    <div className="space-y-3">
      {fields.map((field) => {
        const id = `${baseId}-${field.name}`;
        const hintId = `${id}-hint`;
        const errorId = `${id}-error`;
        const error = errors[field.name];
        const hint = [field.description, bounds(field)].filter(Boolean).join(' · ');
        const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
        const isCheckbox = field.kind === 'boolean';
        // A checkbox comes before its label, every other control after it.
        const control = (
          <FieldControl
            field={field}
            value={values[field.name]}
            error={error}
            onChange={(v) => onChange(field.name, v)}
            id={id}
            describedBy={describedBy}
          />
        );
        return (
          <div key={field.name} className={isCheckbox ? 'flex items-start gap-2' : 'space-y-1'}>
            {isCheckbox && control}
            <div className="min-w-0 flex-1 space-y-1">
              {/* A group of checkboxes is named by aria-labelledby; a <label> names one control. */}
              {field.kind === 'multi-enum' ? (
                <span id={`${id}-label`} className="block text-sm font-medium">
                  {field.label}
                  {field.required && <RequiredMark />}
                </span>
              ) : (
                <label htmlFor={id} className="block text-sm font-medium">
                  {field.label}
                  {field.required && <RequiredMark />}
                </label>
              )}
              {!isCheckbox && control}
              {error && (
                <p id={errorId} className="text-xs text-red-700 dark:text-red-300" data-testid="field-error">
                  {error}
                </p>
              )}
              {hint && (
                <p id={hintId} className="text-xs text-neutral-500 dark:text-neutral-400">
                  {hint}
                </p>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
