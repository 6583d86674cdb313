//go:build !purego

#include "textflag.h"

// LOOP8 computes out[i] for i < len(out) (DI, CX) into out: body8 leaves
// out[AX:AX+8] in Y0 and Y1, eight at a time, then body1 leaves out[AX] in
// X0, one at a time.
#define LOOP8(body8, body1) \
	XORQ AX, AX \
	MOVQ CX, BX \
	ANDQ $-8, BX \
loop8: \
	CMPQ AX, BX \
	JGE  tail \
	body8 \
	VMOVUPD Y0, (DI)(AX*8) \
	VMOVUPD Y1, 32(DI)(AX*8) \
	ADDQ $8, AX \
	JMP  loop8 \
tail: \
	CMPQ AX, CX \
	JGE  done \
	body1 \
	VMOVSD X0, (DI)(AX*8) \
	INCQ AX \
	JMP  tail \
done: \
	VZEROUPPER \
	RET

// VECOP defines func name(out, a, b []float64): out[i] = a[i] op b[i] for i
// < len(out), eight at a time with AVX, then one at a time.
#define VECOP(name, packed, single) \
TEXT name(SB), NOSPLIT, $0-72 \
	MOVQ out_base+0(FP), DI \
	MOVQ out_len+8(FP), CX \
	MOVQ a_base+24(FP), SI \
	MOVQ b_base+48(FP), DX \
	LOOP8(VECOP8(packed), VECOP1(single))

#define VECOP8(packed) \
	VMOVUPD (SI)(AX*8), Y0 \
	VMOVUPD 32(SI)(AX*8), Y1 \
	packed  (DX)(AX*8), Y0, Y0 \
	packed  32(DX)(AX*8), Y1, Y1

#define VECOP1(single) \
	VMOVSD (SI)(AX*8), X0 \
	single (DX)(AX*8), X0, X0

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
	LOOP8(SCALOP8(packed), SCALOP1(single))

#define SCALOP8(packed) \
	VMOVUPD (SI)(AX*8), Y0 \
	VMOVUPD 32(SI)(AX*8), Y1 \
	packed  Y2, Y0, Y0 \
	packed  Y2, Y1, Y1

#define SCALOP1(single) \
	VMOVSD (SI)(AX*8), X0 \
	single X2, X0, X0

SCALOP(·vecMulScalar, VMULPD, VMULSD)
SCALOP(·vecAddScalar, VADDPD, VADDSD)

// func vecAxpy(out, a []float64, s float64): out[i] += s * a[i] for i <
// len(out), eight at a time with fused multiply-adds, then one at a time.
#define AXPY8 \
	VMOVUPD     (DI)(AX*8), Y0 \
	VMOVUPD     32(DI)(AX*8), Y1 \
	VFMADD231PD (SI)(AX*8), Y2, Y0 \
	VFMADD231PD 32(SI)(AX*8), Y2, Y1

#define AXPY1 \
	VMOVSD      (DI)(AX*8), X0 \
	VFMADD231SD (SI)(AX*8), X2, X0

TEXT ·vecAxpy(SB), NOSPLIT, $0-56
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSD s+48(FP), Y2
	LOOP8(AXPY8, AXPY1)

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

// func vecSubFrom(out []float64, s float64, b []float64): out[i] = s - b[i]
// for i < len(out), eight at a time, then one at a time.
#define SUBFROM8 \
	VSUBPD (SI)(AX*8), Y2, Y0 \
	VSUBPD 32(SI)(AX*8), Y2, Y1

#define SUBFROM1 \
	VSUBSD (SI)(AX*8), X2, X0

TEXT ·vecSubFrom(SB), NOSPLIT, $0-56
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	VBROADCASTSD s+24(FP), Y2
	MOVQ         b_base+32(FP), SI
	LOOP8(SUBFROM8, SUBFROM1)

// func vecNeg(out, a []float64): out[i] = -a[i] for i < len(out), the sign
// bit flipped (as Go's negation does), eight at a time, then one at a time.
#define NEG8 \
	VXORPD (SI)(AX*8), Y2, Y0 \
	VXORPD 32(SI)(AX*8), Y2, Y1

#define NEG1 \
	VMOVSD (SI)(AX*8), X0 \
	VXORPD X2, X0, X0

TEXT ·vecNeg(SB), NOSPLIT, $0-48
	MOVQ     out_base+0(FP), DI
	MOVQ     out_len+8(FP), CX
	MOVQ     a_base+24(FP), SI
	VPCMPEQQ Y2, Y2, Y2
	VPSLLQ   $63, Y2, Y2
	LOOP8(NEG8, NEG1)

// COLSUMS adds, for each group of columns of out from BX (a multiple of
// step) up to R10, the rows of a (SI, R8 rows of R9 bytes) into reg, one
// row after another, and stores reg to out (DI); mov and add move and add
// step numbers. It goes on to done when BX reaches R10.
#define COLSUMS(next, rows, store, done, step, mov, add, reg) \
next: \
	CMPQ BX, R10 \
	JGE  done \
	mov  (DI)(BX*8), reg \
	LEAQ (SI)(BX*8), R11 \
	MOVQ R8, R12 \
rows: \
	TESTQ R12, R12 \
	JE    store \
	add   (R11), reg, reg \
	ADDQ  R9, R11 \
	DECQ  R12 \
	JMP   rows \
store: \
	mov  reg, (DI)(BX*8) \
	ADDQ $step, BX \
	JMP  next

// func vecAddRows(out, a []float64, rows int): out[j] += a[r*len(out)+j]
// for every row r < rows, the rows added in order, sixteen columns at a
// time (four accumulators), then four, then one.
TEXT ·vecAddRows(SB), NOSPLIT, $0-56
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ rows+48(FP), R8
	MOVQ CX, R9
	SHLQ $3, R9
	XORQ BX, BX
	MOVQ CX, R10
	ANDQ $-16, R10

cols16:
	CMPQ    BX, R10
	JGE     cols4
	VMOVUPD (DI)(BX*8), Y0
	VMOVUPD 32(DI)(BX*8), Y1
	VMOVUPD 64(DI)(BX*8), Y2
	VMOVUPD 96(DI)(BX*8), Y3
	LEAQ    (SI)(BX*8), R11
	MOVQ    R8, R12

rows16:
	TESTQ  R12, R12
	JE     store16
	VADDPD (R11), Y0, Y0
	VADDPD 32(R11), Y1, Y1
	VADDPD 64(R11), Y2, Y2
	VADDPD 96(R11), Y3, Y3
	ADDQ   R9, R11
	DECQ   R12
	JMP    rows16

store16:
	VMOVUPD Y0, (DI)(BX*8)
	VMOVUPD Y1, 32(DI)(BX*8)
	VMOVUPD Y2, 64(DI)(BX*8)
	VMOVUPD Y3, 96(DI)(BX*8)
	ADDQ    $16, BX
	JMP     cols16

cols4:
	MOVQ CX, R10
	ANDQ $-4, R10
	COLSUMS(next4, rows4, store4, cols1, 4, VMOVUPD, VADDPD, Y0)

cols1:
	MOVQ CX, R10
	COLSUMS(next1, rows1, store1, addrowsdone, 1, VMOVSD, VADDSD, X0)

addrowsdone:
	VZEROUPPER
	RET

// func vecAddRow(out, a, row []float64): out[i] = a[i] + row[i%len(row)]
// for i < len(out), a multiple of len(row) > 0: row by row, eight at a time,
// then one at a time.
TEXT ·vecAddRow(SB), NOSPLIT, $0-72
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), R8
	MOVQ a_base+24(FP), SI
	MOVQ row_base+48(FP), DX
	MOVQ row_len+56(FP), CX
	MOVQ CX, BX
	ANDQ $-8, BX
	SHLQ $3, CX
	SHLQ $3, R8
	ADDQ DI, R8

addrow:
	CMPQ DI, R8
	JGE  addrowdone
	XORQ AX, AX

addrow8:
	CMPQ    AX, BX
	JGE     addrowtail
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VADDPD  (DX)(AX*8), Y0, Y0
	VADDPD  32(DX)(AX*8), Y1, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ    $8, AX
	JMP     addrow8

addrowtail:
	LEAQ   (AX*8), R9
	CMPQ   R9, CX
	JGE    addrownext
	VMOVSD (SI)(AX*8), X0
	VADDSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ   AX
	JMP    addrowtail

addrownext:
	ADDQ CX, SI
	ADDQ CX, DI
	JMP  addrow

addrowdone:
	VZEROUPPER
	RET

// func vecMulScale(out, a, b []float64, s float64): out[i] = (a[i] * b[i]) * s
// for i < len(out), each product rounded before it is scaled, eight at a
// time, then one at a time.
#define MULSCALE8 \
	VMOVUPD (SI)(AX*8), Y0 \
	VMOVUPD 32(SI)(AX*8), Y1 \
	VMULPD  (DX)(AX*8), Y0, Y0 \
	VMULPD  32(DX)(AX*8), Y1, Y1 \
	VMULPD  Y2, Y0, Y0 \
	VMULPD  Y2, Y1, Y1

#define MULSCALE1 \
	VMOVSD (SI)(AX*8), X0 \
	VMULSD (DX)(AX*8), X0, X0 \
	VMULSD X2, X0, X0

TEXT ·vecMulScale(SB), NOSPLIT, $0-80
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	MOVQ         b_base+48(FP), DX
	VBROADCASTSD s+72(FP), Y2
	LOOP8(MULSCALE8, MULSCALE1)

// func vecSubSquare(out []float64, s float64, a []float64): out[i] = s -
// a[i] * a[i] for i < len(out), the square rounded before it is subtracted
// (no fused multiply-add), eight at a time, then one at a time.
#define SUBSQUARE8 \
	VMOVUPD (SI)(AX*8), Y0 \
	VMOVUPD 32(SI)(AX*8), Y1 \
	VMULPD  Y0, Y0, Y0 \
	VMULPD  Y1, Y1, Y1 \
	VSUBPD  Y0, Y2, Y0 \
	VSUBPD  Y1, Y2, Y1

#define SUBSQUARE1 \
	VMOVSD (SI)(AX*8), X0 \
	VMULSD X0, X0, X0 \
	VSUBSD X0, X2, X0

TEXT ·vecSubSquare(SB), NOSPLIT, $0-56
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	VBROADCASTSD s+24(FP), Y2
	MOVQ         a_base+32(FP), SI
	LOOP8(SUBSQUARE8, SUBSQUARE1)
