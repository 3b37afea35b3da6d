/**
 * Why buttons are disabled, said once: a reason that every disabled button shares
 * (a running job, no connection) is shown above them instead of under each.
 */
export interface Gate {
  enabled: boolean;
  reason: string;
}

export function sayReasonsOnce<K extends string>(gates: Record<K, Gate>): { shared: string; under: Record<K, string> } {
  const disabled = (Object.values(gates) as Gate[]).filter((g) => !g.enabled);
  const first = disabled[0]?.reason ?? '';
  const shared = disabled.length > 1 && disabled.every((g) => g.reason === first) ? first : '';
  const under = Object.fromEntries(
    (Object.entries(gates) as [K, Gate][]).map(([k, g]) => [k, g.enabled || g.reason === shared ? '' : g.reason]),
  ) as Record<K, string>;
  return { shared, under };
}

/** Chart point markers: full size for a few epochs, small for dozens, none for a long history (175 epochs drew a band). */
export function pointRadiusFor(points: number): number {
  return points > 60 ? 0 : points > 20 ? 1.5 : 3;
}
