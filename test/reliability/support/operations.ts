import { gqlData } from '../../support/client.js';

/** The part of the introspection result the operation factory needs. */
interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
interface Field {
  name: string;
  args: InputValue[];
  type: TypeRef;
}
interface FullType {
  kind: string;
  name: string;
  fields: Field[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
  possibleTypes: { name: string }[] | null;
}
export interface Schema {
  queryType: string;
  types: Map<string, FullType>;
}

const TYPE_REF =
  'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';

const INTROSPECTION = `{
  __schema {
    queryType { name }
    types {
      kind name
      fields { name args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } }
      inputFields { name defaultValue type { ${TYPE_REF} } }
      enumValues { name }
      possibleTypes { name }
    }
  }
}`;

export async function introspect(url: string, key: string): Promise<Schema> {
  const data = await gqlData<{
    __schema: { queryType: { name: string }; types: FullType[] };
  }>(url, key, INTROSPECTION);
  return {
    queryType: data.__schema.queryType.name,
    types: new Map(data.__schema.types.map((t) => [t.name, t])),
  };
}

/** Values for arguments, chosen by name and type so that every query reaches the data. */
export interface ArgumentValues {
  from: string;
  to: string;
  /** An id the other tenant also uses, for `personId`, `triggerId`, `id`, ... */
  idFor(argument: string): string;
}

function named(type: TypeRef): TypeRef {
  return type.ofType === null ? type : named(type.ofType);
}

function required(type: TypeRef): boolean {
  return type.kind === 'NON_NULL';
}

/** A GraphQL literal for an argument of `type`. */
function literal(schema: Schema, name: string, type: TypeRef, values: ArgumentValues): string {
  if (type.kind === 'NON_NULL') {
    return literal(schema, name, type.ofType!, values);
  }
  if (type.kind === 'LIST') {
    const inner = type.ofType!;
    const base = schema.types.get(named(inner).name!);
    if (base?.kind === 'ENUM') {
      return `[${base.enumValues!.map((v) => v.name).join(', ')}]`;
    }
    return `[${literal(schema, name.replace(/s$/, ''), inner, values)}]`;
  }
  const base = schema.types.get(type.name!)!;
  switch (base.kind) {
    case 'ENUM':
      return base.enumValues![0].name;
    case 'INPUT_OBJECT':
      return `{ ${base
        .inputFields!.filter((f) => required(f.type) && f.defaultValue === null)
        .map((f) => `${f.name}: ${literal(schema, f.name, f.type, values)}`)
        .join(', ')} }`;
    default:
      return scalarLiteral(base.name, name, values);
  }
}

function scalarLiteral(scalar: string, name: string, values: ArgumentValues): string {
  switch (scalar) {
    case 'DateTime':
      return JSON.stringify(/to|until|end/i.test(name) ? values.to : values.from);
    case 'Int':
      return /offset/i.test(name) ? '0' : /limit|first|size/i.test(name) ? '100' : '10';
    case 'Float':
      return /confidence/i.test(name) ? '0.95' : '0.5';
    case 'Boolean':
      return 'false';
    case 'JSON':
      return '{}';
    default:
      return JSON.stringify(values.idFor(name));
  }
}

/** Every field of an object type whose arguments are all optional, to `depth` levels. */
function selection(schema: Schema, type: TypeRef, depth: number): string {
  const base = schema.types.get(named(type).name!)!;
  if (base.kind === 'SCALAR' || base.kind === 'ENUM') {
    return '';
  }
  if (depth === 0) {
    return '{ __typename }';
  }
  if (base.kind === 'UNION' || base.kind === 'INTERFACE') {
    const fragments = base.possibleTypes!.map(
      (t) =>
        `... on ${t.name} ${selection(schema, { kind: 'OBJECT', name: t.name, ofType: null }, depth)}`,
    );
    return `{ __typename ${fragments.join(' ')} }`;
  }
  const fields = base.fields!.filter((f) => f.args.every((a) => !required(a.type)));
  return `{ ${fields.map((f) => `${f.name} ${selection(schema, f.type, depth - 1)}`).join(' ')} }`;
}

/** One call of a Query field: a document and what it asks. */
export interface FieldCall {
  field: string;
  variant: 'required arguments' | 'every argument';
  document: string;
}

/**
 * Calls that reach every Query field of the schema: once with its required arguments only and once
 * with every argument filled in (ids the other tenant shares, the period that holds the data).
 */
export function queryCalls(schema: Schema, values: ArgumentValues): FieldCall[] {
  const query = schema.types.get(schema.queryType)!;
  return query.fields!.flatMap((field) => {
    const call = (args: InputValue[], variant: FieldCall['variant']): FieldCall => {
      const list = args.map((a) => `${a.name}: ${literal(schema, a.name, a.type, values)}`);
      const head = list.length === 0 ? field.name : `${field.name}(${list.join(', ')})`;
      return {
        field: field.name,
        variant,
        document: `{ ${head} ${selection(schema, field.type, 4)} }`,
      };
    };
    const requiredArgs = field.args.filter((a) => required(a.type) && a.defaultValue === null);
    return requiredArgs.length === field.args.length
      ? [call(requiredArgs, 'every argument')]
      : [call(requiredArgs, 'required arguments'), call(field.args, 'every argument')];
  });
}
