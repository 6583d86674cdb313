//go:build !purego

#include "textflag.h"

// VECOP defines func name(out, a, b []float64): out[i] = a[i] op b[i] for i
// < len(out), eight at a time with AVX, then one at a time.
#define VECOP(name, packed, single) \
TEXT name(SB), NOSPLIT, $0-72 \
	MOVQ out_base+0(FP), DI \
	MOVQ out_len+8(FP), CX \
	MOVQ a_base+24(FP), SI \
	MOVQ b_base+48(FP), DX \
	XORQ AX, AX \
	MOVQ CX, BX \
	ANDQ $-8, BX \
loop8: \
	CMPQ AX, BX \
	JGE  tail \
	VMOVUPD (SI)(AX*8), Y0 \
	VMOVUPD 32(SI)(AX*8), Y1 \
	packed  (DX)(AX*8), Y0, Y0 \
	packed  32(DX)(AX*8), Y1, Y1 \
	VMOVUPD Y0, (DI)(AX*8) \
	VMOVUPD Y1, 32(DI)(AX*8) \
	ADDQ $8, AX \
	JMP  loop8 \
tail: \
	CMPQ AX, CX \
	JGE  done \
	VMOVSD (SI)(AX*8), X0 \
	single (DX)(AX*8), X0, X0 \
	VMOVSD X0, (DI)(AX*8) \
	INCQ AX \
	JMP  tail \
done: \
	VZEROUPPER \
	RET

VECOP(·vecMul, VMULPD, VMULSD)
VECOP(·vecAdd, VADDPD, VADDSD)
VECOP(·vecSub, VSUBPD, VSUBSD)

// SCALOP defines func name(out, a []float64, s float64): out[i] = a[i] op s.
#define SCALOP(name, packed, single) \
TEXT name(SB), NOSPLIT, $0-56 \
	MOVQ out_base+0(FP), DI \
	MOVQ out_len+8(FP), CX \
	MOVQ a_base+24(FP), SI \
	VBROADCASTSD s+48(FP), Y2 \
	XORQ AX, AX \
	MOVQ CX, BX \
	ANDQ $-8, BX \
loop8: \
	CMPQ AX, BX \
	JGE  tail \
	VMOVUPD (SI)(AX*8), Y0 \
	VMOVUPD 32(SI)(AX*8), Y1 \
	packed  Y2, Y0, Y0 \
	packed  Y2, Y1, Y1 \
	VMOVUPD Y0, (DI)(AX*8) \
	VMOVUPD Y1, 32(DI)(AX*8) \
	ADDQ $8, AX \
	JMP  loop8 \
tail: \
	CMPQ AX, CX \
	JGE  done \
	VMOVSD (SI)(AX*8), X0 \
	single X2, X0, X0 \
	VMOVSD X0, (DI)(AX*8) \
	INCQ AX \
	JMP  tail \
done: \
	VZEROUPPER \
	RET

SCALOP(·vecMulScalar, VMULPD, VMULSD)
SCALOP(·vecAddScalar, VADDPD, VADDSD)

// func vecAxpy(out, a []float64, s float64): out[i] += s * a[i] for i <
// len(out), eight at a time with fused multiply-adds, then one at a time.
TEXT ·vecAxpy(SB), NOSPLIT, $0-56
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSD s+48(FP), Y2
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-8, BX

axpy8:
	CMPQ        AX, BX
	JGE         axpytail
	VMOVUPD     (DI)(AX*8), Y0
	VMOVUPD     32(DI)(AX*8), Y1
	VFMADD231PD (SI)(AX*8), Y2, Y0
	VFMADD231PD 32(SI)(AX*8), Y2, Y1
	VMOVUPD     Y0, (DI)(AX*8)
	VMOVUPD     Y1, 32(DI)(AX*8)
	ADDQ        $8, AX
	JMP         axpy8

axpytail:
	CMPQ        AX, CX
	JGE         axpydone
	VMOVSD      (DI)(AX*8), X0
	VFMADD231SD (SI)(AX*8), X2, X0
	VMOVSD      X0, (DI)(AX*8)
	INCQ        AX
	JMP         axpytail

axpydone:
	VZEROUPPER
	RET

// func vecDot(a, b []float64) float64: the sum of a[i] * b[i] for i <
// len(a), in four interleaved partial sums of four lanes, added at the end.
TEXT ·vecDot(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-8, BX

dot8:
	CMPQ        AX, BX
	JGE         dotsum
	VMOVUPD     (SI)(AX*8), Y2
	VMOVUPD     32(SI)(AX*8), Y3
	VFMADD231PD (DX)(AX*8), Y2, Y0
	VFMADD231PD 32(DX)(AX*8), Y3, Y1
	ADDQ        $8, AX
	JMP         dot8

dotsum:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0

dottail:
	CMPQ        AX, CX
	JGE         dotdone
	VMOVSD      (SI)(AX*8), X2
	VFMADD231SD (DX)(AX*8), X2, X0
	INCQ        AX
	JMP         dottail

dotdone:
	VMOVSD X0, ret+48(FP)
	VZEROUPPER
	RET
