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
// Both branches are computed and blended. c holds the constants, each
// repeated four times (see tanhConstants).
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
	VDIVPD       Y5, Y4, Y4
	VMULPD       Y3, Y1, Y6
	VFMADD213PD  Y1, Y6, Y4
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
	VMOVUPD      256(R8), Y13
	VDIVPD       Y11, Y13, Y13
	VMOVUPD      864(R8), Y14
	VSUBPD       Y13, Y14, Y14
	VCMPPD       $0x0D, 32(R8), Y1, Y15
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
