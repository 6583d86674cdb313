//go:build !purego

#include "textflag.h"

// The parts gemm8x16 and gemm1x16 share.

// ARGS loads the arguments: R8 arow, R14 astep, R9 ldb and R10 ldc in
// bytes, BX the block's columns of B, DX those of C, R15 the columns left.
#define ARGS \
	MOVQ arow+16(FP), R8 \
	MOVQ astep+24(FP), R14 \
	MOVQ b+32(FP), BX \
	MOVQ ldb+40(FP), R9 \
	MOVQ c+48(FP), DX \
	MOVQ ldc+56(FP), R10 \
	MOVQ n+64(FP), R15 \
	SHLQ $3, R8 \
	SHLQ $3, R14 \
	SHLQ $3, R9 \
	SHLQ $3, R10

// MASKS sets K1 to the block's first min(R15, 8) columns and K2 to the next
// min(R15-8, 8), none when R15 <= 8.
#define MASKS \
	MOVQ    $0xFF, AX \
	MOVQ    $0xFF, CX \
	CMPQ    R15, $16 \
	JGE     masks \
	MOVQ    R15, DI \
	BZHIQ   DI, AX, AX \
	XORQ    SI, SI \
	SUBQ    $8, DI \
	CMOVQLT SI, DI \
	BZHIQ   DI, CX, CX \
masks: \
	KMOVW AX, K1 \
	KMOVW CX, K2

// ADDROW adds the row of C at DI, under the masks, to the accumulators lo
// and hi, and moves DI to the next row.
#define ADDROW(lo, hi) \
	VMOVUPD.Z (DI), K1, Z16 \
	VMOVUPD.Z 64(DI), K2, Z17 \
	VADDPD    Z16, lo, lo \
	VADDPD    Z17, hi, hi \
	ADDQ      R10, DI

// STOREROW writes the accumulators lo and hi to the row of C at DI, under
// the masks, and moves DI to the next row.
#define STOREROW(lo, hi) \
	VMOVUPD lo, K1, (DI) \
	VMOVUPD hi, K2, 64(DI) \
	ADDQ    R10, DI

// LOOPS loads k into CX and goes to narrow for a block of at most eight
// columns.
#define LOOPS \
	MOVQ k+0(FP), CX \
	CMPQ R15, $8 \
	JLE  narrow

// LOADB loads the block's row of B at DI, under the masks, into Z16 and
// Z17.
#define LOADB \
	VMOVUPD.Z (DI), K1, Z16 \
	VMOVUPD.Z 64(DI), K2, Z17

// FMA2 broadcasts the element of A at addr into t and adds its products
// with the row of B to the accumulators lo and hi.
#define FMA2(addr, t, lo, hi) \
	VBROADCASTSD addr, t \
	VFMADD231PD  Z16, t, lo \
	VFMADD231PD  Z17, t, hi

// FMA1 is FMA2 for the first eight columns alone, into lo.
#define FMA1(addr, t, lo) \
	VBROADCASTSD addr, t \
	VFMADD231PD  Z16, t, lo

// STORE points DI at the block of C and goes on to write unless the
// product is to be added to C.
#define STORE \
	MOVQ    DX, DI \
	MOVBLZX accumulate+72(FP), AX \
	TESTQ   AX, AX \
	JE      write

// NEXTBLOCK moves to the next block of 16 columns, if any are left.
#define NEXTBLOCK \
	ADDQ $128, BX \
	ADDQ $128, DX \
	SUBQ $16, R15 \
	JG   block \
	VZEROUPPER \
	RET

// func gemm8x16(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, n int, accumulate bool)
//
// C[0:8][0:n] (+)= A[0:8][0:k] B[0:k][0:n] where A(i, p) is a[i*arow +
// p*astep] and B, C are row-major with leading dimensions ldb, ldc (all in
// elements), one 8x16 block of C after another. Sixteen accumulators Z0-Z15
// hold a block, two per row; each step of k loads the block's row of B (Z16,
// Z17), broadcasts one element of each row of A and issues sixteen fused
// multiply-adds (eight, on the even accumulators, for a block of at most
// eight columns: the narrow loop). The masks K1 and K2 limit every load and
// store of B and C to the columns left, so the last block may be narrower
// than 16 and nothing past column n is read or written. k and n must be >
// 0. The rows of A are SI + r*arow: SI, R11 (row 3) and R12 (row 6) plus 0,
// 1, 2 or 4 times arow.
TEXT ·gemm8x16(SB), NOSPLIT, $0-73
	ARGS

block:
	MASKS
	MOVQ  a+8(FP), SI
	LEAQ  (SI)(R8*2), R11
	ADDQ  R8, R11
	LEAQ  (R11)(R8*2), R12
	ADDQ  R8, R12
	MOVQ  BX, DI
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	LOOPS

loop:
	LOADB
	FMA2((SI), Z18, Z0, Z1)
	FMA2((SI)(R8*1), Z19, Z2, Z3)
	FMA2((SI)(R8*2), Z20, Z4, Z5)
	FMA2((R11), Z21, Z6, Z7)
	FMA2((SI)(R8*4), Z22, Z8, Z9)
	FMA2((R11)(R8*2), Z23, Z10, Z11)
	FMA2((R12), Z24, Z12, Z13)
	FMA2((R12)(R8*1), Z25, Z14, Z15)
	ADDQ         R14, SI
	ADDQ         R14, R11
	ADDQ         R14, R12
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop
	JMP          store

narrow:
	VMOVUPD.Z    (DI), K1, Z16
	FMA1((SI), Z18, Z0)
	FMA1((SI)(R8*1), Z19, Z2)
	FMA1((SI)(R8*2), Z20, Z4)
	FMA1((R11), Z21, Z6)
	FMA1((SI)(R8*4), Z22, Z8)
	FMA1((R11)(R8*2), Z23, Z10)
	FMA1((R12), Z24, Z12)
	FMA1((R12)(R8*1), Z25, Z14)
	ADDQ         R14, SI
	ADDQ         R14, R11
	ADDQ         R14, R12
	ADDQ         R9, DI
	DECQ         CX
	JNZ          narrow

store:
	STORE
	ADDROW(Z0, Z1)
	ADDROW(Z2, Z3)
	ADDROW(Z4, Z5)
	ADDROW(Z6, Z7)
	ADDROW(Z8, Z9)
	ADDROW(Z10, Z11)
	ADDROW(Z12, Z13)
	ADDROW(Z14, Z15)
	MOVQ    DX, DI

write:
	STOREROW(Z0, Z1)
	STOREROW(Z2, Z3)
	STOREROW(Z4, Z5)
	STOREROW(Z6, Z7)
	STOREROW(Z8, Z9)
	STOREROW(Z10, Z11)
	STOREROW(Z12, Z13)
	STOREROW(Z14, Z15)
	NEXTBLOCK

// func gemm1x16(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, n int, accumulate bool)
//
// gemm8x16 for one row of A and C: two accumulators, Z0 and Z1.
TEXT ·gemm1x16(SB), NOSPLIT, $0-73
	ARGS

block:
	MASKS
	MOVQ  a+8(FP), SI
	MOVQ  BX, DI
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	LOOPS

loop:
	LOADB
	FMA2((SI), Z18, Z0, Z1)
	ADDQ         R14, SI
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop
	JMP          store

narrow:
	VMOVUPD.Z    (DI), K1, Z16
	FMA1((SI), Z18, Z0)
	ADDQ         R14, SI
	ADDQ         R9, DI
	DECQ         CX
	JNZ          narrow

store:
	STORE
	ADDROW(Z0, Z1)
	MOVQ    DX, DI

write:
	STOREROW(Z0, Z1)
	NEXTBLOCK
