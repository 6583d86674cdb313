//go:build !purego

#include "textflag.h"

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
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ arow+16(FP), R8
	MOVQ astep+24(FP), R14
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R10
	SHLQ $3, R8
	SHLQ $3, R14
	SHLQ $3, R9
	SHLQ $3, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	TESTQ CX, CX
	JE    store

loop:
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (R11), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (R12), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (R13), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R14, SI
	ADDQ         R14, R11
	ADDQ         R14, R12
	ADDQ         R14, R13
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop

store:
	MOVBLZX accumulate+72(FP), AX
	TESTQ   AX, AX
	JE      write
	VADDPD  (DX), Y0, Y0
	VADDPD  32(DX), Y1, Y1
	LEAQ    (DX)(R10*1), BX
	VADDPD  (BX), Y2, Y2
	VADDPD  32(BX), Y3, Y3
	ADDQ    R10, BX
	VADDPD  (BX), Y4, Y4
	VADDPD  32(BX), Y5, Y5
	ADDQ    R10, BX
	VADDPD  (BX), Y6, Y6
	VADDPD  32(BX), Y7, Y7

write:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	ADDQ    R10, DX
	VMOVUPD Y2, (DX)
	VMOVUPD Y3, 32(DX)
	ADDQ    R10, DX
	VMOVUPD Y4, (DX)
	VMOVUPD Y5, 32(DX)
	ADDQ    R10, DX
	VMOVUPD Y6, (DX)
	VMOVUPD Y7, 32(DX)
	ADDQ    $64, b+32(FP)
	ADDQ    $64, c+48(FP)
	DECQ    blocks+64(FP)
	JNZ     block
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
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ arow+16(FP), R8
	MOVQ astep+24(FP), R14
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R10
	SHLQ $3, R8
	SHLQ $3, R14
	SHLQ $3, R9
	SHLQ $3, R10
	LEAQ (SI)(R8*2), R11
	ADDQ R8, R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	TESTQ CX, CX
	JE    store6

loop6:
	VMOVUPD      (DI), Y12
	VMOVUPD      32(DI), Y13
	VBROADCASTSD (SI), Y14
	VFMADD231PD  Y12, Y14, Y0
	VFMADD231PD  Y13, Y14, Y1
	VBROADCASTSD (SI)(R8*1), Y15
	VFMADD231PD  Y12, Y15, Y2
	VFMADD231PD  Y13, Y15, Y3
	VBROADCASTSD (SI)(R8*2), Y14
	VFMADD231PD  Y12, Y14, Y4
	VFMADD231PD  Y13, Y14, Y5
	VBROADCASTSD (R11), Y15
	VFMADD231PD  Y12, Y15, Y6
	VFMADD231PD  Y13, Y15, Y7
	VBROADCASTSD (SI)(R8*4), Y14
	VFMADD231PD  Y12, Y14, Y8
	VFMADD231PD  Y13, Y14, Y9
	VBROADCASTSD (R11)(R8*2), Y15
	VFMADD231PD  Y12, Y15, Y10
	VFMADD231PD  Y13, Y15, Y11
	ADDQ         R14, SI
	ADDQ         R14, R11
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop6

store6:
	MOVBLZX accumulate+72(FP), AX
	MOVQ    DX, BX
	TESTQ   AX, AX
	JE      write6
	VADDPD  (BX), Y0, Y0
	VADDPD  32(BX), Y1, Y1
	ADDQ    R10, BX
	VADDPD  (BX), Y2, Y2
	VADDPD  32(BX), Y3, Y3
	ADDQ    R10, BX
	VADDPD  (BX), Y4, Y4
	VADDPD  32(BX), Y5, Y5
	ADDQ    R10, BX
	VADDPD  (BX), Y6, Y6
	VADDPD  32(BX), Y7, Y7
	ADDQ    R10, BX
	VADDPD  (BX), Y8, Y8
	VADDPD  32(BX), Y9, Y9
	ADDQ    R10, BX
	VADDPD  (BX), Y10, Y10
	VADDPD  32(BX), Y11, Y11
	MOVQ    DX, BX

write6:
	VMOVUPD Y0, (BX)
	VMOVUPD Y1, 32(BX)
	ADDQ    R10, BX
	VMOVUPD Y2, (BX)
	VMOVUPD Y3, 32(BX)
	ADDQ    R10, BX
	VMOVUPD Y4, (BX)
	VMOVUPD Y5, 32(BX)
	ADDQ    R10, BX
	VMOVUPD Y6, (BX)
	VMOVUPD Y7, 32(BX)
	ADDQ    R10, BX
	VMOVUPD Y8, (BX)
	VMOVUPD Y9, 32(BX)
	ADDQ    R10, BX
	VMOVUPD Y10, (BX)
	VMOVUPD Y11, 32(BX)
	ADDQ    $64, b+32(FP)
	ADDQ    $64, c+48(FP)
	DECQ    blocks+64(FP)
	JNZ     block6
	VZEROUPPER
	RET
