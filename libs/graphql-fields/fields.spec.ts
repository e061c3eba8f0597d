import { ArgsType, Args, Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { printType, type GraphQLNamedType } from 'graphql';
import { schemaOf } from '../testing/index.js';
import {
  BoolField,
  DateField,
  FloatField,
  IdField,
  IntField,
  JsonField,
  registerDocumentedEnum,
  StringField,
} from './index.js';

enum Size {
  SMALL = 'small',
  LARGE = 'large',
}
registerDocumentedEnum(Size, 'Size', 'How big.', { SMALL: 'Fits a hand.', LARGE: 'Does not.' });

@ObjectType({ description: 'Every shorthand once.' })
class Sample {
  @IdField('An id.') id!: string;
  @IntField('A count.') count!: number;
  @FloatField('A share.', { nullable: true }) share!: number | null;
  @StringField('A name.') name!: string;
  @BoolField('A flag.') flag!: boolean;
  @DateField('An instant.') at!: Date;
  @JsonField('Anything.', { nullable: true }) extra!: unknown;
  @Field(() => [String], { description: 'Plain @Field beside them.' }) tags!: string[];
  @Field(() => Size, { description: 'An enum.' }) size!: Size;
}

@ArgsType()
class SampleArgs {
  @IntField('How many.', { nullable: true, defaultValue: 10 }) limit!: number;
}

@Resolver(() => Sample)
class SampleResolver {
  @Query(() => Sample, { description: 'One sample.' })
  sample(@Args() _args: SampleArgs): Sample {
    throw new Error('not called');
  }
}

describe('graphql-fields', () => {
  let types: (name: string) => GraphQLNamedType;

  beforeAll(async () => {
    const schema = await schemaOf([SampleResolver]);
    types = (name) => schema.getType(name)!;
  });

  /** GraphQL's printing of the named type against SDL written by hand, line by line. */
  const expectPrinted = (name: string, lines: string[]) =>
    expect(printType(types(name))).toBe(lines.join('\n'));

  it('declares each scalar with its description, as @Field with that type would', () => {
    // Written by hand from the GraphQL spec's printing of a type, not from the code under test.
    expectPrinted('Sample', [
      '"""Every shorthand once."""',
      'type Sample {',
      '  """An id."""',
      '  id: ID!',
      '',
      '  """A count."""',
      '  count: Int!',
      '',
      '  """A share."""',
      '  share: Float',
      '',
      '  """A name."""',
      '  name: String!',
      '',
      '  """A flag."""',
      '  flag: Boolean!',
      '',
      '  """An instant."""',
      '  at: DateTime!',
      '',
      '  """Anything."""',
      '  extra: JSON',
      '',
      '  """Plain @Field beside them."""',
      '  tags: [String!]!',
      '',
      '  """An enum."""',
      '  size: Size!',
      '}',
    ]);
  });

  it('registers an enum with a description for the type and for each value', () => {
    expectPrinted('Size', [
      '"""How big."""',
      'enum Size {',
      '  """Fits a hand."""',
      '  SMALL',
      '',
      '  """Does not."""',
      '  LARGE',
      '}',
    ]);
  });

  it('passes the other options through (nullable, defaultValue on an argument)', () => {
    expect(printType(types('Query'))).toContain(
      'sample(\n    """How many."""\n    limit: Int = 10\n  ): Sample!',
    );
  });
});
