//go:build !purego

#include "textflag.h"

// func tanhVec(out, a []float64, c *[29][4]float64)
//
// out[i] = tanh(a[i]) for i < len(out) rounded down to a multiple of 4, four
// at a time, as math.Tanh computes it: x + x s P(s)/Q(s) with s = x² for
// |x| < 0.625, else 1 - 2/(exp(2|x|) + 1), both computed at |x| and given
// the sign of x (so tanh(-0) = -0), here with exp(y) =
// 2^k e^r, k = round(y/ln 2), |r| <= ln2/2, e^r by its Taylor polynomial of
// degree 13 (truncation 4e-18) and 2|x| capped at 700 (tanh is 1 there).
// Both branches are computed up to their one division, whose numerator and
// denominator are chosen lane by lane (P(s) over Q(s), or 2 over exp + 1),
// so that one division serves both; then the results are blended. c holds
// the constants, each repeated four times (see tanhConstants).
TEXT ·tanhVec(SB), NOSPLIT, $0-56
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ c+48(FP), R8
	SHRQ $2, CX
	JZ   done

loop:
	VMOVUPD      (SI), Y0
	VANDPD       0(R8), Y0, Y1
	VXORPD       Y1, Y0, Y2
	VMULPD       Y0, Y0, Y3
	VMOVUPD      64(R8), Y4
	VFMADD213PD  96(R8), Y3, Y4
	VFMADD213PD  128(R8), Y3, Y4
	VADDPD       160(R8), Y3, Y5
	VFMADD213PD  192(R8), Y3, Y5
	VFMADD213PD  224(R8), Y3, Y5
	VMULPD       Y3, Y1, Y6
	VADDPD       Y1, Y1, Y7
	VMINPD       288(R8), Y7, Y7
	VMULPD       320(R8), Y7, Y8
	VROUNDPD     $0, Y8, Y8
	VMOVUPD      352(R8), Y9
	VFNMADD213PD Y7, Y8, Y9
	VMOVUPD      384(R8), Y10
	VFNMADD213PD Y9, Y8, Y10
	VMOVUPD      416(R8), Y11
	VFMADD213PD  448(R8), Y10, Y11
	VFMADD213PD  480(R8), Y10, Y11
	VFMADD213PD  512(R8), Y10, Y11
	VFMADD213PD  544(R8), Y10, Y11
	VFMADD213PD  576(R8), Y10, Y11
	VFMADD213PD  608(R8), Y10, Y11
	VFMADD213PD  640(R8), Y10, Y11
	VFMADD213PD  672(R8), Y10, Y11
	VFMADD213PD  704(R8), Y10, Y11
	VFMADD213PD  736(R8), Y10, Y11
	VFMADD213PD  768(R8), Y10, Y11
	VFMADD213PD  800(R8), Y10, Y11
	VFMADD213PD  832(R8), Y10, Y11
	VCVTPD2DQY   Y8, X12
	VPMOVSXDQ    X12, Y12
	VPADDQ       896(R8), Y12, Y12
	VPSLLQ       $52, Y12, Y12
	VMULPD       Y12, Y11, Y11
	VADDPD       864(R8), Y11, Y11
	VCMPPD       $0x0D, 32(R8), Y1, Y15
	VBLENDVPD    Y15, 256(R8), Y4, Y4
	VBLENDVPD    Y15, Y11, Y5, Y5
	VDIVPD       Y5, Y4, Y4
	VMOVUPD      864(R8), Y14
	VSUBPD       Y4, Y14, Y14
	VFMADD213PD  Y1, Y6, Y4
	VBLENDVPD    Y15, Y14, Y4, Y4
	VORPD        Y2, Y4, Y4
	VMOVUPD      Y4, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          loop

done:
	VZEROUPPER
	RET

// func tanh8(out, a []float64, c *[29][4]float64)
//
// tanhVec with AVX-512, eight at a time, for every i < len(out): the last
// group is masked (K1) to the elements left, so that nothing past the end is
// read or written. The arithmetic is tanhVec's, operation for operation
// (the constants broadcast from the first of their four copies, the lanes
// chosen with the mask K2 where tanhVec blends, and e^r scaled by 2^k with
// VSCALEFPD where tanhVec builds 2^k from its bits: both exact), so the
// results are the same bits.
TEXT ·tanh8(SB), NOSPLIT, $0-56
	MOVQ  out_base+0(FP), DI
	MOVQ  out_len+8(FP), CX
	MOVQ  a_base+24(FP), SI
	MOVQ  c+48(FP), R8
	TESTQ CX, CX
	JE    done8
	MOVQ  $0xFF, AX
	KMOVW AX, K1

loop8:
	CMPQ  CX, $8
	JGE   full8
	BZHIQ CX, AX, AX
	KMOVW AX, K1

full8:
	VMOVUPD.Z         (SI), K1, Z0
	VANDPD.BCST       0(R8), Z0, Z1
	VXORPD            Z1, Z0, Z2
	VMULPD            Z0, Z0, Z3
	VBROADCASTSD      64(R8), Z4
	VFMADD213PD.BCST  96(R8), Z3, Z4
	VFMADD213PD.BCST  128(R8), Z3, Z4
	VADDPD.BCST       160(R8), Z3, Z5
	VFMADD213PD.BCST  192(R8), Z3, Z5
	VFMADD213PD.BCST  224(R8), Z3, Z5
	VMULPD            Z3, Z1, Z6
	VADDPD            Z1, Z1, Z7
	VMINPD.BCST       288(R8), Z7, Z7
	VMULPD.BCST       320(R8), Z7, Z8
	VRNDSCALEPD       $0, Z8, Z8
	VBROADCASTSD      352(R8), Z9
	VFNMADD213PD      Z7, Z8, Z9
	VBROADCASTSD      384(R8), Z10
	VFNMADD213PD      Z9, Z8, Z10
	VBROADCASTSD      416(R8), Z11
	VFMADD213PD.BCST  448(R8), Z10, Z11
	VFMADD213PD.BCST  480(R8), Z10, Z11
	VFMADD213PD.BCST  512(R8), Z10, Z11
	VFMADD213PD.BCST  544(R8), Z10, Z11
	VFMADD213PD.BCST  576(R8), Z10, Z11
	VFMADD213PD.BCST  608(R8), Z10, Z11
	VFMADD213PD.BCST  640(R8), Z10, Z11
	VFMADD213PD.BCST  672(R8), Z10, Z11
	VFMADD213PD.BCST  704(R8), Z10, Z11
	VFMADD213PD.BCST  736(R8), Z10, Z11
	VFMADD213PD.BCST  768(R8), Z10, Z11
	VFMADD213PD.BCST  800(R8), Z10, Z11
	VFMADD213PD.BCST  832(R8), Z10, Z11
	VSCALEFPD         Z8, Z11, Z11
	VADDPD.BCST       864(R8), Z11, Z11
	VCMPPD.BCST       $0x0D, 32(R8), Z1, K2
	VBROADCASTSD      256(R8), K2, Z4
	VMOVAPD           Z11, K2, Z5
	VDIVPD            Z5, Z4, Z4
	VBROADCASTSD      864(R8), Z14
	VSUBPD            Z4, Z14, Z14
	VFMADD213PD       Z1, Z6, Z4
	VMOVAPD           Z14, K2, Z4
	VORPD             Z2, Z4, Z4
	VMOVUPD           Z4, K1, (DI)
	ADDQ              $64, SI
	ADDQ              $64, DI
	SUBQ              $8, CX
	JG                loop8

done8:
	VZEROUPPER
	RET
