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
