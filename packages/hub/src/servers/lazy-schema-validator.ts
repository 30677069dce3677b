import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The SDK client compiles a validator for every tool's output schema as soon as it lists
 * the tools (Ajv code generation: ~150 ms of CPU for the bundled servers' schemas, on
 * every server start), although only `client.callTool` ever uses one, and the hub calls
 * tools through `request`. This provider compiles a schema's validator on its first use.
 */
export class LazySchemaValidator implements jsonSchemaValidator {
  constructor(private readonly inner: jsonSchemaValidator = new AjvJsonSchemaValidator()) {}

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    let compiled: JsonSchemaValidator<T> | undefined;
    return (input) => {
      compiled ??= this.inner.getValidator<T>(schema);
      return compiled(input);
    };
  }
}
