import { ArgsType, Field } from '@nestjs/graphql';

@ArgsType()
export class ConsentAuditArgs {
  @Field({
    description:
      'Start of the period (inclusive): decision time of the audited firings, recording time of the consent events.',
  })
  from!: Date;

  @Field({ description: 'End of the period (exclusive).' })
  to!: Date;
}
