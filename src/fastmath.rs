//! Table-driven `exp` and `ln` for the model's hot loops.
//!
//! The model calls e^x and ln x tens of thousands of times per run (nest values, the logit
//! choice, derivative families, hazards). `libm`'s versions (FreeBSD's, with a division and a
//! rescaling call in every `exp`) took about 40% of a default run. These use the usual 128-entry
//! tables and short polynomials, built from `+ − × /` and bit operations only, so they give the
//! same bits on every target (no fused multiply-add is ever formed by rustc), like `libm`.
//!
//! Accuracy (checked against `libm` in the tests): `exp` within 2 ulp; `ln` within 2 ulp of
//! max(1, |ln x|) in absolute terms, which is what e^{λ ln x} needs. Outside the fast range
//! (|x| ≥ 708 for `exp`; zero, negative, subnormal, infinite or NaN for `ln`) both defer to `libm`.

// Constants are written with every digit their sources give.
#![allow(clippy::excessive_precision)]

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    if !(x.abs() < 708.0) {
        return libm::exp(x);
    }
    // x = k ln2/128 + r with |r| ≤ ln2/256; k rounded to nearest by the 1.5·2^52 shift.
    const SHIFT: f64 = 6755399441055744.0;
    const INV_LN2_N: f64 = 184.66496523378731; // 128/ln 2
    const LN2_HI_N: f64 = 6.93147180369123816490e-01 / 128.0; // 32 significant bits: k·LN2_HI_N is exact
    const LN2_LO_N: f64 = 1.90821492927058770002e-10 / 128.0;
    let kd = x * INV_LN2_N + SHIFT;
    let k = kd.to_bits() as i64 as i32; // low bits of the shifted value hold k (two's complement)
    let kd = kd - SHIFT;
    let r = (x - kd * LN2_HI_N) - kd * LN2_LO_N;
    // 2^(k/128) = 2^(k >> 7) × table[k & 127]; the exponent stays normal for |x| < 708.
    let t = EXP2_TABLE[(k & 127) as usize];
    let scale = f64::from_bits(t.wrapping_add(((k >> 7) as i64 as u64) << 52));
    // e^r − 1 by its Taylor series to r⁵ (truncation below 1e-18 for |r| ≤ 0.0028).
    let p = r + r * r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0))));
    scale + scale * p
}

/// ln x.
#[inline]
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    // Positive normal finite numbers only; everything else the slow way.
    if !(0x0010_0000_0000_0000..0x7ff0_0000_0000_0000).contains(&bits) {
        return libm::log(x);
    }
    const LN2_HI: f64 = 6.93147180369123816490e-01;
    const LN2_LO: f64 = 1.90821492927058770002e-10;
    let e = ((bits >> 52) as i64 - 1023) as f64;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    // x = 2^e × m, m in [1, 2); ln m = ln(m/c) + ln c with c the centre of m's 1/128 interval.
    let j = ((bits >> 45) & 127) as usize;
    let (invc, logc) = LOG_TABLE[j];
    let (invc, logc) = (f64::from_bits(invc), f64::from_bits(logc));
    let r = m * invc - 1.0; // |r| ≤ 0.0039
    // ln(1 + r) by its series to r⁶ (truncation below 3e-18).
    let r2 = r * r;
    let p = r - r2 * (0.5 - r * (1.0 / 3.0 - r * (0.25 - r * (0.2 - r * (1.0 / 6.0)))));
    (e * LN2_HI + logc) + (e * LN2_LO + p)
}

/// (1 + y)^λ for y > −1, as e^{λ ln(1 + y)}. The rounding of 1 + y shifts ln(1 + y) by at most
/// 2^-53 in absolute terms, which moves the result by a relative λ·2^-53: harmless.
#[inline]
pub fn pow1p(y: f64, lambda: f64) -> f64 {
    exp(lambda * ln(1.0 + y))
}

/// x^y for x > 0, as e^{y ln x}: the relative error is about |y| max(1, |ln x|) × 2^-52 (the
/// absolute error of `ln`, scaled by y) plus 2 ulp; other x defer to `libm`.
#[inline]
pub fn pow(x: f64, y: f64) -> f64 {
    if x > 0.0 { exp(y * ln(x)) } else { libm::pow(x, y) }
}

/// 10^x.
#[inline]
pub fn exp10(x: f64) -> f64 {
    exp(std::f64::consts::LN_10 * x)
}

/// 2^(j/128) for j in 0..128, as f64 bits.
const EXP2_TABLE: [u64; 128] = [
    0x3ff0000000000000, 0x3ff0163da9fb3335, 0x3ff02c9a3e778061, 0x3ff04315e86e7f85,
    0x3ff059b0d3158574, 0x3ff0706b29ddf6de, 0x3ff0874518759bc8, 0x3ff09e3ecac6f383,
    0x3ff0b5586cf9890f, 0x3ff0cc922b7247f7, 0x3ff0e3ec32d3d1a2, 0x3ff0fb66affed31b,
    0x3ff11301d0125b51, 0x3ff12abdc06c31cc, 0x3ff1429aaea92de0, 0x3ff15a98c8a58e51,
    0x3ff172b83c7d517b, 0x3ff18af9388c8dea, 0x3ff1a35beb6fcb75, 0x3ff1bbe084045cd4,
    0x3ff1d4873168b9aa, 0x3ff1ed5022fcd91d, 0x3ff2063b88628cd6, 0x3ff21f49917ddc96,
    0x3ff2387a6e756238, 0x3ff251ce4fb2a63f, 0x3ff26b4565e27cdd, 0x3ff284dfe1f56381,
    0x3ff29e9df51fdee1, 0x3ff2b87fd0dad990, 0x3ff2d285a6e4030b, 0x3ff2ecafa93e2f56,
    0x3ff306fe0a31b715, 0x3ff32170fc4cd831, 0x3ff33c08b26416ff, 0x3ff356c55f929ff1,
    0x3ff371a7373aa9cb, 0x3ff38cae6d05d866, 0x3ff3a7db34e59ff7, 0x3ff3c32dc313a8e5,
    0x3ff3dea64c123422, 0x3ff3fa4504ac801c, 0x3ff4160a21f72e2a, 0x3ff431f5d950a897,
    0x3ff44e086061892d, 0x3ff46a41ed1d0057, 0x3ff486a2b5c13cd0, 0x3ff4a32af0d7d3de,
    0x3ff4bfdad5362a27, 0x3ff4dcb299fddd0d, 0x3ff4f9b2769d2ca7, 0x3ff516daa2cf6642,
    0x3ff5342b569d4f82, 0x3ff551a4ca5d920f, 0x3ff56f4736b527da, 0x3ff58d12d497c7fd,
    0x3ff5ab07dd485429, 0x3ff5c9268a5946b7, 0x3ff5e76f15ad2148, 0x3ff605e1b976dc09,
    0x3ff6247eb03a5585, 0x3ff6434634ccc320, 0x3ff6623882552225, 0x3ff68155d44ca973,
    0x3ff6a09e667f3bcd, 0x3ff6c012750bdabf, 0x3ff6dfb23c651a2f, 0x3ff6ff7df9519484,
    0x3ff71f75e8ec5f74, 0x3ff73f9a48a58174, 0x3ff75feb564267c9, 0x3ff780694fde5d3f,
    0x3ff7a11473eb0187, 0x3ff7c1ed0130c132, 0x3ff7e2f336cf4e62, 0x3ff80427543e1a12,
    0x3ff82589994cce13, 0x3ff8471a4623c7ad, 0x3ff868d99b4492ed, 0x3ff88ac7d98a6699,
    0x3ff8ace5422aa0db, 0x3ff8cf3216b5448c, 0x3ff8f1ae99157736, 0x3ff9145b0b91ffc6,
    0x3ff93737b0cdc5e5, 0x3ff95a44cbc8520f, 0x3ff97d829fde4e50, 0x3ff9a0f170ca07ba,
    0x3ff9c49182a3f090, 0x3ff9e86319e32323, 0x3ffa0c667b5de565, 0x3ffa309bec4a2d33,
    0x3ffa5503b23e255d, 0x3ffa799e1330b358, 0x3ffa9e6b5579fdbf, 0x3ffac36bbfd3f37a,
    0x3ffae89f995ad3ad, 0x3ffb0e07298db666, 0x3ffb33a2b84f15fb, 0x3ffb59728de5593a,
    0x3ffb7f76f2fb5e47, 0x3ffba5b030a1064a, 0x3ffbcc1e904bc1d2, 0x3ffbf2c25bd71e09,
    0x3ffc199bdd85529c, 0x3ffc40ab5fffd07a, 0x3ffc67f12e57d14b, 0x3ffc8f6d9406e7b5,
    0x3ffcb720dcef9069, 0x3ffcdf0b555dc3fa, 0x3ffd072d4a07897c, 0x3ffd2f87080d89f2,
    0x3ffd5818dcfba487, 0x3ffd80e316c98398, 0x3ffda9e603db3285, 0x3ffdd321f301b460,
    0x3ffdfc97337b9b5f, 0x3ffe264614f5a129, 0x3ffe502ee78b3ff6, 0x3ffe7a51fbc74c83,
    0x3ffea4afa2a490da, 0x3ffecf482d8e67f1, 0x3ffefa1bee615a27, 0x3fff252b376bba97,
    0x3fff50765b6e4540, 0x3fff7bfdad9cbe14, 0x3fffa7c1819e90d8, 0x3fffd3c22b8f71f1,
];

/// (1/c_j, −ln of that f64) for c_j = 1 + (j + ½)/128, j in 0..128, as f64 bits.
const LOG_TABLE: [(u64, u64); 128] = [
    (0x3fefe01fe01fe020, 0x3f6ff00aa2b10ba0), (0x3fefa11caa01fa12, 0x3f87dc475f810a69),
    (0x3fef6310aca0dbb5, 0x3f93cea44346a584), (0x3fef25f644230ab5, 0x3f9b9fc027af919a),
    (0x3feee9c7f8458e02, 0x3fa1b0d98923d97f), (0x3feeae807aba01eb, 0x3fa58a5bafc8e4d3),
    (0x3fee741aa59750e4, 0x3fa95c830ec8e3f2), (0x3fee3a9179dc1a73, 0x3fad276b8adb0b56),
    (0x3fee01e01e01e01e, 0x3fb075983598e471), (0x3fedca01dca01dca, 0x3fb253f62f0a1417),
    (0x3fed92f2231e7f8a, 0x3fb42edcbea646ee), (0x3fed5cac807572b2, 0x3fb60658a93750c4),
    (0x3fed272ca3fc5b1a, 0x3fb7da766d7b12d0), (0x3fecf26e5c44bfc6, 0x3fb9ab42462033ae),
    (0x3fecbe6d9601cbe7, 0x3fbb78c82bb0eda0), (0x3fec8b265afb8a42, 0x3fbd4313d66cb35d),
    (0x3fec5894d10d4986, 0x3fbf0a30c01162a4), (0x3fec26b5392ea01c, 0x3fc0671512ca596f),
    (0x3febf583ee868d8b, 0x3fc14785846742ac), (0x3febc4fd65883e7b, 0x3fc2266f190a5acd),
    (0x3feb951e2b18ff23, 0x3fc303d718e47fd5), (0x3feb65e2e3beee05, 0x3fc3dfc2b0ecc62a),
    (0x3feb37484ad806ce, 0x3fc4ba36f39a55e5), (0x3feb094b31d922a4, 0x3fc59338d9982085),
    (0x3feadbe87f94905e, 0x3fc66acd4272ad51), (0x3feaaf1d2f87ebfd, 0x3fc740f8f54037a3),
    (0x3fea82e65130e159, 0x3fc815c0a14357e9), (0x3fea574107688a4a, 0x3fc8e928de886d41),
    (0x3fea2c2a87c51ca0, 0x3fc9bb362e7dfb85), (0x3fea01a01a01a01a, 0x3fca8becfc882f19),
    (0x3fe9d79f176b682d, 0x3fcb5b519e8fb5a6), (0x3fe9ae24ea5510da, 0x3fcc2968558c18c2),
    (0x3fe9852f0d8ec0ff, 0x3fccf6354e09c5dd), (0x3fe95cbb0be377ae, 0x3fcdc1bca0abec7b),
    (0x3fe934c67f9b2ce6, 0x3fce8c0252aa5a60), (0x3fe90d4f120190d5, 0x3fcf550a564b7b37),
    (0x3fe8e6527af1373f, 0x3fd00e6c45ad501d), (0x3fe8bfce8062ff3a, 0x3fd071b85fcd590d),
    (0x3fe899c0f601899c, 0x3fd0d46b579ab74b), (0x3fe87427bcc092b9, 0x3fd136870293a8b0),
    (0x3fe84f00c2780614, 0x3fd1980d2dd4236f), (0x3fe82a4a0182a4a0, 0x3fd1f8ff9e48a2f3),
    (0x3fe8060180601806, 0x3fd2596010df763a), (0x3fe7e225515a4f1d, 0x3fd2b9303ab89d25),
    (0x3fe7beb3922e017c, 0x3fd31871c9544185), (0x3fe79baa6bb6398b, 0x3fd3772662bfd85c),
    (0x3fe77908119ac60d, 0x3fd3d54fa5c1f710), (0x3fe756cac201756d, 0x3fd432ef2a04e813),
    (0x3fe734f0c541fe8d, 0x3fd49006804009d0), (0x3fe713786d9c7c09, 0x3fd4ec9732600269),
    (0x3fe6f26016f26017, 0x3fd548a2c3add263), (0x3fe6d1a62681c861, 0x3fd5a42ab0f4cfe2),
    (0x3fe6b1490aa31a3d, 0x3fd5ff3070a793d4), (0x3fe691473a88d0c0, 0x3fd659b57303e1f2),
    (0x3fe6719f3601671a, 0x3fd6b3bb2235943d), (0x3fe6524f853b4aa3, 0x3fd70d42e2789236),
    (0x3fe63356b88ac0de, 0x3fd7664e1239dbcf), (0x3fe614b36831ae94, 0x3fd7bede0a37afbf),
    (0x3fe5f66434292dfc, 0x3fd816f41da0d495), (0x3fe5d867c3ece2a5, 0x3fd86e919a330ba1),
    (0x3fe5babcc647fa91, 0x3fd8c5b7c858b48b), (0x3fe59d61f123ccaa, 0x3fd91c67eb45a83e),
    (0x3fe5805601580560, 0x3fd972a341135159), (0x3fe56397ba7c52e2, 0x3fd9c86b02dc0862),
    (0x3fe54725e6bb82fe, 0x3fda1dc064d5b995), (0x3fe52aff56a8054b, 0x3fda72a4966bd9e9),
    (0x3fe50f22e111c4c5, 0x3fdac718c258b0e5), (0x3fe4f38f62dd4c9b, 0x3fdb1b1e0ebdfc5a),
    (0x3fe4d843bedc2c4c, 0x3fdb6eb59d3cf35c), (0x3fe4bd3edda68fe1, 0x3fdbc1e08b0dad0a),
    (0x3fe4a27fad76014a, 0x3fdc149ff115f027), (0x3fe4880522014880, 0x3fdc66f4e3ff6ff9),
    (0x3fe46dce34596066, 0x3fdcb8e0744d7aca), (0x3fe453d9e2c776ca, 0x3fdd0a63ae721e64),
    (0x3fe43a2730abee4d, 0x3fdd5b7f9ae2c684), (0x3fe420b5265e5951, 0x3fddac353e2c5955),
    (0x3fe40782d10e6566, 0x3fddfc859906d5b5), (0x3fe3ee8f42a5af07, 0x3fde4c71a8687704),
    (0x3fe3d5d991aa75c6, 0x3fde9bfa659861f5), (0x3fe3bd60d9232955, 0x3fdeeb20c640ddf3),
    (0x3fe3a524387ac822, 0x3fdf39e5bc811e5d), (0x3fe38d22d366088e, 0x3fdf884a36fe9ec1),
    (0x3fe3755bd1c945ee, 0x3fdfd64f20f61571), (0x3fe35dce5f9f2af8, 0x3fe011fab125ff8a),
    (0x3fe34679ace01346, 0x3fe0389eefce633c), (0x3fe32f5ced6a1dfa, 0x3fe05f14bd26459c),
    (0x3fe3187758e9ebb6, 0x3fe0855c884b450e), (0x3fe301c82ac40260, 0x3fe0ab76bece14d2),
    (0x3fe2eb4ea1fed14b, 0x3fe0d163ccb9d6b8), (0x3fe2d50a012d50a0, 0x3fe0f7241c9b497d),
    (0x3fe2bef98e5a3711, 0x3fe11cb81787ccf8), (0x3fe2a91c92f3c105, 0x3fe1422025243d45),
    (0x3fe293725bb804a5, 0x3fe1675cababa60e), (0x3fe27dfa38a1ce4d, 0x3fe18c6e0ff5cf07),
    (0x3fe268b37cd60127, 0x3fe1b154b57da29e), (0x3fe2539d7e9177b2, 0x3fe1d610fe677003),
    (0x3fe23eb79717605b, 0x3fe1faa34b87094c), (0x3fe22a0122a0122a, 0x3fe21f0bfc65beec),
    (0x3fe21579804855e6, 0x3fe2434b6f483934), (0x3fe2012012012012, 0x3fe26762013430e0),
    (0x3fe1ecf43c7fb84c, 0x3fe28b500df60783), (0x3fe1d8f5672e4abd, 0x3fe2af15f02640ac),
    (0x3fe1c522fc1ce059, 0x3fe2d2b4012edc9d), (0x3fe1b17c67f2bae3, 0x3fe2f62a99509546),
    (0x3fe19e0119e0119e, 0x3fe3197a0fa7fe6a), (0x3fe18ab083902bdb, 0x3fe33ca2ba328994),
    (0x3fe1778a191bd684, 0x3fe35fa4edd36ea0), (0x3fe1648d50fc3201, 0x3fe38280fe58797f),
    (0x3fe151b9a3fdd5c9, 0x3fe3a5373e7ebdf9), (0x3fe13f0e8d344724, 0x3fe3c7c7fff73206),
    (0x3fe12c8b89edc0ac, 0x3fe3ea33936b2f5b), (0x3fe11a3019a74826, 0x3fe40c7a4880dcea),
    (0x3fe107fbbe011080, 0x3fe42e9c6ddf80bf), (0x3fe0f5edfab325a2, 0x3fe4509a5133bb0a),
    (0x3fe0e40655826011, 0x3fe472743f33aaad), (0x3fe0d24456359e3a, 0x3fe4942a83a2fc07),
    (0x3fe0c0a7868b4171, 0x3fe4b5bd6956e273), (0x3fe0af2f722eecb5, 0x3fe4d72d3a39fd01),
    (0x3fe09ddba6af8360, 0x3fe4f87a3f5026e9), (0x3fe08cabb37565e2, 0x3fe519a4c0ba3446),
    (0x3fe07b9f29b8eae2, 0x3fe53aad05b99b7c), (0x3fe06ab59c7912fb, 0x3fe55b9354b40bce),
    (0x3fe059eea0727586, 0x3fe57c57f336f191), (0x3fe04949cc1664c5, 0x3fe59cfb25fae87f),
    (0x3fe038c6b78247fc, 0x3fe5bd7d30e71c73), (0x3fe02864fc7729e9, 0x3fe5ddde57149923),
    (0x3fe0182436517a37, 0x3fe5fe1edad18919), (0x3fe0080402010080, 0x3fe61e3efda46467),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ulp(x: f64) -> f64 {
        let x = x.abs();
        f64::from_bits(x.to_bits() + 1) - x
    }

    /// Points spread over `lo..hi` by a fixed low-discrepancy sequence, plus the ends.
    fn points(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..n).map(move |i| lo + (hi - lo) * ((i as f64 * 0.618_033_988_749_894_9) % 1.0)).chain([lo, hi])
    }

    #[test]
    fn exp_is_within_two_ulp_of_libm() {
        for x in points(-707.9, 707.9, 200_000).chain(points(-1e-3, 1e-3, 20_000)).chain([0.0, -0.0, 1.0, -60.0]) {
            let (fast, slow) = (exp(x), libm::exp(x));
            assert!((fast - slow).abs() <= 2.0 * ulp(slow), "exp({x}) = {fast}, libm {slow}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(709.5), libm::exp(709.5));
        assert_eq!(exp(-740.0), libm::exp(-740.0));
    }

    #[test]
    fn ln_is_within_two_ulp_of_libm_in_absolute_terms() {
        for x in points(1e-300, 1e-290, 10_000)
            .chain(points(1e-6, 1.0, 100_000))
            .chain(points(0.99, 1.01, 100_000))
            .chain(points(1.0, 1e6, 100_000))
            .chain(points(1e290, 1e300, 10_000))
        {
            let (fast, slow) = (ln(x), libm::log(x));
            assert!((fast - slow).abs() <= 2.0 * ulp(slow.abs().max(1.0)), "ln({x}) = {fast}, libm {slow}");
        }
        assert!(ln(1.0).abs() < 1e-17);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert_eq!(ln(5e-320), libm::log(5e-320));
    }

    #[test]
    fn pow1p_and_exp10_match_libm_closely() {
        for y in points(0.0, 50.0, 50_000) {
            for l in [0.05, 0.45, 1.0] {
                let (fast, slow) = (pow1p(y, l), libm::pow(1.0 + y, l));
                assert!((fast / slow - 1.0).abs() < 1e-15, "pow1p({y}, {l}) = {fast}, libm {slow}");
            }
        }
        for x in points(1e-3, 1e3, 50_000) {
            for y in [-40.0, -1.0, 0.25, 0.5, 3.0] {
                let (fast, slow) = (pow(x, y), libm::pow(x, y));
                assert!((fast / slow - 1.0).abs() < 2.3e-16 * (2.0 * y.abs() * libm::log(x).abs().max(1.0) + 2.0), "pow({x}, {y}) = {fast}, libm {slow}");
            }
        }
        assert_eq!(pow(0.0, 2.0), 0.0);
        assert_eq!(pow(-2.0, 2.0), 4.0);
        for x in points(-300.0, 300.0, 50_000) {
            let (fast, slow) = (exp10(x), libm::pow(10.0, x));
            // ln 10 × x is rounded, so the error grows with |x|: 2^-53 × |x ln 10| relative.
            assert!((fast / slow - 1.0).abs() < 4e-16 * x.abs().max(1.0) * 2.31, "exp10({x}) = {fast}, libm {slow}");
        }
    }

    #[test]
    fn the_tables_hold_what_they_claim() {
        for (j, &t) in EXP2_TABLE.iter().enumerate() {
            let want = libm::exp2(j as f64 / 128.0);
            assert!((f64::from_bits(t) - want).abs() <= ulp(want), "2^({j}/128)");
        }
        for (j, &(invc, logc)) in LOG_TABLE.iter().enumerate() {
            let c = 1.0 + (j as f64 + 0.5) / 128.0;
            let (invc, logc) = (f64::from_bits(invc), f64::from_bits(logc));
            assert!((invc * c - 1.0).abs() < 2e-16, "1/c_{j}");
            assert!((logc + libm::log(invc)).abs() <= 2.0 * ulp(logc), "ln c_{j}");
        }
    }
}
