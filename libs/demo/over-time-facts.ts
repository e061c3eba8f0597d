/** What the over-time block of the demo plants (see over-time-block.ts). */
export interface PlantedOverTimeFacts {
  /**
   * Its effect wears off over the month: the cumulative relative lift of liftOverTime early in the
   * month is clearly above its end-of-month value.
   */
  noveltyTrigger: { triggerId: string };
  /**
   * Its effect shows only a day after the firing: conversionCurve's lift within the first day is
   * about 0, and clear from the second day on.
   */
  delayedTrigger: { triggerId: string; delayMs: number };
}
