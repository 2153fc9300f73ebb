/** The part of jstat (untyped) that Looplab uses. */
declare module "jstat" {
  interface JStatNormal {
    cdf(x: number, mean: number, std: number): number;
    inv(p: number, mean: number, std: number): number;
  }
  const jStat: { normal: JStatNormal };
  export default jStat;
}
