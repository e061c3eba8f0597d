/** What the deeper block of the demo plants (see deeper.ts). */
export interface PlantedDeeperFacts {
  /** Works only for one tier: liftSegments by the `tier` property flags it heterogeneous. */
  heterogeneousTrigger: { triggerId: string; property: string; respondingTier: string };
  /** Its revenue lift is hidden by a handful of very large orders until revenue is capped. */
  outlierTrigger: { triggerId: string; largeOrders: number };
  /** Two triggers on the same persons whose effects do not add: the interaction is below 0. */
  interactingPair: { triggerA: string; triggerB: string };
  /** Reaches too few persons for its holdout: its lift is "too little data", the report plans it. */
  underpoweredTrigger: { triggerId: string; persons: number };
}
