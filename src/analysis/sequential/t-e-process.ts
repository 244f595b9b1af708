/**
 * Anytime-valid t-test e-process: the g-prior Bayes factor with precision φ on the standardised effect,
 * exact for Gaussian data with unknown variance (Lindon, Ham, Tingley, Bojinov 2022, arXiv 2210.08589;
 * avlm `R/e_variables.R`). Two-sample: t² the pooled t squared, ν = n₁ + n₂ − 2, z² = n₁n₂/(n₁ + n₂).
 */
export function tEProcessLogE(t2: number, nu: number, z2: number, phi: number): number {
  const c = phi / (phi + z2);
  if (t2 === Infinity) return -0.5 * nu * Math.log(c);
  return 0.5 * Math.log(c) + 0.5 * (nu + 1) * (Math.log1p(t2 / nu) - Math.log1p((c * t2) / nu));
}

/**
 * The t² at which the e-process of `tEProcessLogE` reaches 1/α, inverted in closed form:
 * (ν + x)/(ν + c x) = e^ℓ with ℓ = (2 log(1/α) − log c)/(ν + 1) gives x = ν (e^ℓ − 1)/(1 − c e^ℓ).
 * Infinity when E stays below 1/α however large t is (few points): the confidence sequence is then unbounded.
 */
export function tEProcessThreshold(alpha: number, nu: number, z2: number, phi: number): number {
  const logC = Math.log(phi / (phi + z2));
  const ell = (-2 * Math.log(alpha) - logC) / (nu + 1);
  const denominator = -Math.expm1(ell + logC);
  return denominator > 0 ? (nu * Math.expm1(ell)) / denominator : Infinity;
}

/**
 * Mixture tuning of Howard, Ramdas, McAuliffe, Sekhon (2021, Ann. Statist.; confseq `best_rho`): the ρ that makes
 * the two-sided normal-mixture boundary tightest at intrinsic time vOpt. The t e-process's φ plays ρ's role.
 */
export function bestRho(vOpt: number, alpha: number): number {
  const twoLog = -2 * Math.log(alpha);
  return vOpt / (twoLog + Math.log1p(twoLog));
}
