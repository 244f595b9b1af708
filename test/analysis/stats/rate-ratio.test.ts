import { describe, expect, it } from "vitest";
import { InsufficientData } from "../../../src/analysis/stats/insufficient-data.js";
import { rateRatio } from "../../../src/analysis/stats/rate-ratio.js";

// R 4.2.2 poisson.test(c(x1, x2), c(t1, t2), alternative, conf.level), printed by
// test/fixtures/refs/poisson-test.R: estimate, then [p, lower, upper] per alternative.
type Row = [number, number];
const cases: Array<{ x: Row; t: Row; conf: number; estimate: number; two: number[]; greater: number[]; less: number[] }> = [
  { x: [30, 10], t: [1000, 1000], conf: 0.95, estimate: 3, two: [0.0022214337732293673, 1.4274084701515846, 6.8793017710183255], greater: [0.0011107168866146837, 1.5835771707325546, Infinity], less: [0.99966022587250336, 0, 6.0239574545711916] },
  { x: [5, 20], t: [2000, 1000], conf: 0.95, estimate: 0.125, two: [2.2686614437831904e-6, 0.036660032496846864, 0.34322354768773067], greater: [0.99999973792755203, 0.04483495905663594, Infinity], less: [2.2686614437831904e-6, 0, 0.30051890932527481] },
  { x: [0, 15], t: [1000, 1000], conf: 0.95, estimate: 0, two: [6.1035156250000054e-5, 0, 0.2788040393997408], greater: [1, 0, Infinity], less: [3.0517578125000027e-5, 0, 0.2210553000675681] },
  { x: [12, 0], t: [500, 800], conf: 0.9, estimate: Infinity, two: [1.0478999613767461e-5, 5.6423688444767182, Infinity], greater: [1.0478999613767461e-5, 7.5640226454232407, Infinity], less: [1, 0, Infinity] },
  { x: [150, 100], t: [1e5, 1e5], conf: 0.99, estimate: 1.5, two: [0.0018833009350761635, 1.069846076988566, 2.1174917922564385], greater: [0.00094165046753808175, 1.1042869651297513, Infinity], less: [0.99939346186741851, 0, 2.0485518235132951] },
  { x: [1, 1], t: [10, 10], conf: 0.95, estimate: 1, two: [1, 0.012739367083666625, 78.496835316262846], greater: [0.75, 0.025978352085154116, Infinity], less: [0.75, 0, 38.493588689617837] },
  { x: [3, 1000], t: [1e4, 1e6], conf: 0.95, estimate: 0.3, two: [0.02359290076809431, 0.061762813885716333, 0.87925865662829383], greater: [0.99716219219562729, 0.08163927221023097, Infinity], less: [0.01060230929482363, 0, 0.77721029743304049] },
  { x: [4000, 3800], t: [2e6, 2e6], conf: 0.95, estimate: 1.0526315789473684, two: [0.024238383243788148, 1.0066657382287896, 1.1007103267789209], greater: [0.012119191621894074, 1.0138752060076079, Infinity], less: [0.98857635139100641, 0, 1.092877895634796] },
  { x: [0, 50], t: [1e4, 1e4], conf: 0.95, estimate: 0, two: [1.7763568394002497e-15, 0, 0.076567338537421079], greater: [1, 0, Infinity], less: [8.8817841970012484e-16, 0, 0.061745917854978606] },
  { x: [7, 3], t: [250, 1000], conf: 0.98, estimate: 9.3333333333333339, two: [0.00086435839999999967, 1.6908432798330246, 80.198120030948033], greater: [0.00086435839999999967, 2.0088736906972353, Infinity], less: [0.99992207360000007, 0, 61.190236969380372] },
  { x: [1050000, 1000000], t: [1e9, 1e9], conf: 0.95, estimate: 1.0499999999999998, two: [3.3816181153711153e-267, 1.0471273935492007, 1.0528805344882968], greater: [1.6908090576855577e-267, 1.0475885319760065, Infinity], less: [1, 0, 1.0524170475861967] },
];

const close = (actual: number, expected: number): void => {
  if (!Number.isFinite(expected) || expected === 0) expect(actual).toBe(expected);
  else expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
};

describe("rateRatio against R poisson.test", () => {
  it.each(cases)("x = $x, t = $t at $conf", ({ x, t, conf, estimate, two, greater, less }) => {
    const canary = { events: x[0], exposure: t[0] };
    const baseline = { events: x[1], exposure: t[1] };
    for (const [alternative, [p, lower, upper]] of [["two-sided", two], ["greater", greater], ["less", less]] as const) {
      const r = rateRatio(canary, baseline, { confidence: conf, alternative });
      close(r.estimate, estimate);
      close(r.pValue, p as number);
      close(r.lower, lower as number);
      close(r.upper, upper as number);
    }
  });

  it("no events on either side: NaN, [0, ∞), p = 1, as R", () => {
    expect(rateRatio({ events: 0, exposure: 1000 }, { events: 0, exposure: 1000 }, { confidence: 0.95, alternative: "two-sided" })).toEqual({
      estimate: Number.NaN,
      lower: 0,
      upper: Infinity,
      pValue: 1,
    });
  });

  it("zero exposure throws InsufficientData; fractional or negative events throw RangeError", () => {
    const opts = { confidence: 0.95, alternative: "two-sided" } as const;
    expect(() => rateRatio({ events: 1, exposure: 0 }, { events: 1, exposure: 10 }, opts)).toThrow(InsufficientData);
    expect(() => rateRatio({ events: 1.5, exposure: 10 }, { events: 1, exposure: 10 }, opts)).toThrow(RangeError);
    expect(() => rateRatio({ events: -1, exposure: 10 }, { events: 1, exposure: 10 }, opts)).toThrow(RangeError);
  });
});
