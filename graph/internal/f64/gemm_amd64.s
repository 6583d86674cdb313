//go:build !purego

#include "textflag.h"

// The parts gemm4x8 and gemm6x8 share.

// ARGS loads the arguments: CX k, SI a, R8 arow, R14 astep, DI b, R9 ldb,
// DX c and R10 ldc, the strides in bytes.
#define ARGS \
	MOVQ k+0(FP), CX \
	MOVQ a+8(FP), SI \
	MOVQ arow+16(FP), R8 \
	MOVQ astep+24(FP), R14 \
	MOVQ b+32(FP), DI \
	MOVQ ldb+40(FP), R9 \
	MOVQ c+48(FP), DX \
	MOVQ ldc+56(FP), R10 \
	SHLQ $3, R8 \
	SHLQ $3, R14 \
	SHLQ $3, R9 \
	SHLQ $3, R10

// ZERO8 clears the accumulators Y0-Y7.
#define ZERO8 \
	VXORPD Y0, Y0, Y0 \
	VXORPD Y1, Y1, Y1 \
	VXORPD Y2, Y2, Y2 \
	VXORPD Y3, Y3, Y3 \
	VXORPD Y4, Y4, Y4 \
	VXORPD Y5, Y5, Y5 \
	VXORPD Y6, Y6, Y6 \
	VXORPD Y7, Y7, Y7

// FMAROW broadcasts the element of A at addr into t and adds its products
// with the block's row of B (b0, b1) to the accumulators lo and hi.
#define FMAROW(addr, t, b0, b1, lo, hi) \
	VBROADCASTSD addr, t \
	VFMADD231PD  b0, t, lo \
	VFMADD231PD  b1, t, hi

// ADDROW adds the row of C at BX to the accumulators lo and hi, and moves
// BX to the next row.
#define ADDROW(lo, hi) \
	VADDPD (BX), lo, lo \
	VADDPD 32(BX), hi, hi \
	ADDQ   R10, BX

// STOREROW writes the accumulators lo and hi to the row of C at BX, and
// moves BX to the next row.
#define STOREROW(lo, hi) \
	VMOVUPD lo, (BX) \
	VMOVUPD hi, 32(BX) \
	ADDQ    R10, BX

// NEXTBLOCK moves to the next block of eight columns, if any are left.
#define NEXTBLOCK(label) \
	ADDQ $64, b+32(FP) \
	ADDQ $64, c+48(FP) \
	DECQ blocks+64(FP) \
	JNZ  label

// func gemm4x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool)
//
// C[0:4][0:8*blocks] (+)= A[0:4][0:k] B[0:k][0:8*blocks] where A(i, p) is
// a[i*arow + p*astep] and B, C are row-major with leading dimensions ldb,
// ldc (all in elements), one 4x8 block of C after another. Eight
// accumulators Y0-Y7 hold a block; each step of k loads one row of the
// block of B (Y8, Y9), broadcasts one element of each row of A and issues
// eight fused multiply-adds.
TEXT ·gemm4x8(SB), NOSPLIT, $0-73
block:
	ARGS
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	ZERO8
	TESTQ CX, CX
	JE    store

loop:
	VMOVUPD (DI), Y8
	VMOVUPD 32(DI), Y9
	FMAROW((SI), Y10, Y8, Y9, Y0, Y1)
	FMAROW((R11), Y11, Y8, Y9, Y2, Y3)
	FMAROW((R12), Y12, Y8, Y9, Y4, Y5)
	FMAROW((R13), Y13, Y8, Y9, Y6, Y7)
	ADDQ    R14, SI
	ADDQ    R14, R11
	ADDQ    R14, R12
	ADDQ    R14, R13
	ADDQ    R9, DI
	DECQ    CX
	JNZ     loop

store:
	MOVBLZX accumulate+72(FP), AX
	MOVQ    DX, BX
	TESTQ   AX, AX
	JE      write
	ADDROW(Y0, Y1)
	ADDROW(Y2, Y3)
	ADDROW(Y4, Y5)
	ADDROW(Y6, Y7)
	MOVQ    DX, BX

write:
	STOREROW(Y0, Y1)
	STOREROW(Y2, Y3)
	STOREROW(Y4, Y5)
	STOREROW(Y6, Y7)
	NEXTBLOCK(block)
	VZEROUPPER
	RET

// func gemm6x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool)
//
// gemm4x8 for six rows: twelve accumulators Y0-Y11 hold a 6x8 block, so
// that more fused multiply-adds are in flight than the four cycles of their
// latency need on two ports; each step of k loads the block's row of B
// (Y12, Y13) and broadcasts one element of each row of A (Y14, Y15 in
// turn). The rows of A are SI + r*arow: SI and R11 (row 3) plus 0, 1, 2 or
// 4 times arow.
TEXT ·gemm6x8(SB), NOSPLIT, $0-73
block6:
	ARGS
	LEAQ (SI)(R8*2), R11
	ADDQ R8, R11
	ZERO8
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	TESTQ CX, CX
	JE    store6

loop6:
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	FMAROW((SI), Y14, Y12, Y13, Y0, Y1)
	FMAROW((SI)(R8*1), Y15, Y12, Y13, Y2, Y3)
	FMAROW((SI)(R8*2), Y14, Y12, Y13, Y4, Y5)
	FMAROW((R11), Y15, Y12, Y13, Y6, Y7)
	FMAROW((SI)(R8*4), Y14, Y12, Y13, Y8, Y9)
	FMAROW((R11)(R8*2), Y15, Y12, Y13, Y10, Y11)
	ADDQ    R14, SI
	ADDQ    R14, R11
	ADDQ    R9, DI
	DECQ    CX
	JNZ     loop6

store6:
	MOVBLZX accumulate+72(FP), AX
	MOVQ    DX, BX
	TESTQ   AX, AX
	JE      write6
	ADDROW(Y0, Y1)
	ADDROW(Y2, Y3)
	ADDROW(Y4, Y5)
	ADDROW(Y6, Y7)
	ADDROW(Y8, Y9)
	ADDROW(Y10, Y11)
	MOVQ    DX, BX

write6:
	STOREROW(Y0, Y1)
	STOREROW(Y2, Y3)
	STOREROW(Y4, Y5)
	STOREROW(Y6, Y7)
	STOREROW(Y8, Y9)
	STOREROW(Y10, Y11)
	NEXTBLOCK(block6)
	VZEROUPPER
	RET
