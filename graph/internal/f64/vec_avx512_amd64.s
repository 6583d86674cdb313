//go:build !purego

#include "textflag.h"

// TAILMASK sets K1 to the lanes of the last CX - AX (0-7) elements.
#define TAILMASK \
	MOVQ  CX, R9 \
	SUBQ  AX, R9 \
	MOVQ  $0xFF, R8 \
	BZHIQ R9, R8, R8 \
	KMOVW R8, K1

// AXPY16 sets out[AX:AX+16] (DI) += s (Z2) * a[AX:AX+16] (SI), leaving
// the new values in Z0 and Z1; AXPY8 does eight, leaving them in Z0.
#define AXPY16 \
	VMOVUPD     (DI)(AX*8), Z0 \
	VMOVUPD     64(DI)(AX*8), Z1 \
	VFMADD231PD (SI)(AX*8), Z2, Z0 \
	VFMADD231PD 64(SI)(AX*8), Z2, Z1 \
	VMOVUPD     Z0, (DI)(AX*8) \
	VMOVUPD     Z1, 64(DI)(AX*8)

#define AXPY8 \
	VMOVUPD     (DI)(AX*8), Z0 \
	VFMADD231PD (SI)(AX*8), Z2, Z0 \
	VMOVUPD     Z0, (DI)(AX*8)

// HSUM adds the eight lanes of Z0 (the sum's partial sums already added
// into it) and stores the sum at ret.
#define HSUM(ret) \
	VEXTRACTF64X4 $1, Z0, Y1 \
	VADDPD        Y1, Y0, Y0 \
	VEXTRACTF128  $1, Y0, X1 \
	VADDPD        X1, X0, X0 \
	VHADDPD       X0, X0, X0 \
	VMOVSD        X0, ret \
	VZEROUPPER \
	RET

// func vecDot512(a, b []float64) float64: the sum of a[i] * b[i] for i <
// len(a), with AVX-512: four interleaved partial sums of eight lanes over
// 32 elements at a time (so that the fused multiply-adds do not wait on
// each other), then eight at a time into the first, the last 0-7 under a
// mask into the second, all added at the end.
TEXT ·vecDot512(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DX
	VXORPD Z0, Z0, Z0
	VXORPD Z1, Z1, Z1
	VXORPD Z2, Z2, Z2
	VXORPD Z3, Z3, Z3
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-32, BX

dot32:
	CMPQ        AX, BX
	JGE         dot8start
	VMOVUPD     (SI)(AX*8), Z4
	VMOVUPD     64(SI)(AX*8), Z5
	VMOVUPD     128(SI)(AX*8), Z6
	VMOVUPD     192(SI)(AX*8), Z7
	VFMADD231PD (DX)(AX*8), Z4, Z0
	VFMADD231PD 64(DX)(AX*8), Z5, Z1
	VFMADD231PD 128(DX)(AX*8), Z6, Z2
	VFMADD231PD 192(DX)(AX*8), Z7, Z3
	ADDQ        $32, AX
	JMP         dot32

dot8start:
	MOVQ CX, BX
	ANDQ $-8, BX

dot8:
	CMPQ        AX, BX
	JGE         dotmasked
	VMOVUPD     (SI)(AX*8), Z4
	VFMADD231PD (DX)(AX*8), Z4, Z0
	ADDQ        $8, AX
	JMP         dot8

dotmasked:
	TAILMASK
	VMOVUPD.Z   (SI)(AX*8), K1, Z4
	VMOVUPD.Z   (DX)(AX*8), K1, Z5
	VFMADD231PD Z5, Z4, Z1

	VADDPD Z1, Z0, Z0
	VADDPD Z3, Z2, Z2
	VADDPD Z2, Z0, Z0
	HSUM(ret+48(FP))

// func vecAxpy512(out, a []float64, s float64): out[i] += s * a[i] for i <
// len(out), with AVX-512: sixteen at a time, then eight, then the last 0-7
// under a mask. Each element is one fused multiply-add, as in vecAxpy.
TEXT ·vecAxpy512(SB), NOSPLIT, $0-56
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSD s+48(FP), Z2
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-16, BX

axpy16:
	CMPQ        AX, BX
	JGE         axpy8start
	AXPY16
	ADDQ        $16, AX
	JMP         axpy16

axpy8start:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JGE  axpymasked
	AXPY8
	ADDQ        $8, AX

axpymasked:
	TAILMASK
	VMOVUPD.Z   (DI)(AX*8), K1, Z0
	VMOVUPD.Z   (SI)(AX*8), K1, Z1
	VFMADD231PD Z1, Z2, Z0
	VMOVUPD     Z0, K1, (DI)(AX*8)
	VZEROUPPER
	RET

// func vecAxpyDot512(out, a []float64, s float64, b []float64) float64:
// out[i] += s * a[i], and the sum of the new out[i] * b[i], for i <
// len(out), in one pass with AVX-512: sixteen at a time into two partial
// sums of eight lanes, then eight, then the last 0-7 under a mask, the
// sums added at the end.
TEXT ·vecAxpyDot512(SB), NOSPLIT, $0-88
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSD s+48(FP), Z2
	MOVQ         b_base+56(FP), DX
	VXORPD       Z4, Z4, Z4
	VXORPD       Z5, Z5, Z5
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-16, BX

axpydot16:
	CMPQ        AX, BX
	JGE         axpydot8start
	AXPY16
	VFMADD231PD (DX)(AX*8), Z0, Z4
	VFMADD231PD 64(DX)(AX*8), Z1, Z5
	ADDQ        $16, AX
	JMP         axpydot16

axpydot8start:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JGE  axpydotmasked
	AXPY8
	VFMADD231PD (DX)(AX*8), Z0, Z4
	ADDQ        $8, AX

axpydotmasked:
	TAILMASK
	VMOVUPD.Z   (DI)(AX*8), K1, Z0
	VMOVUPD.Z   (SI)(AX*8), K1, Z1
	VMOVUPD.Z   (DX)(AX*8), K1, Z3
	VFMADD231PD Z1, Z2, Z0
	VMOVUPD     Z0, K1, (DI)(AX*8)
	VFMADD231PD Z3, Z0, Z5
	VADDPD      Z5, Z4, Z0
	HSUM(ret+80(FP))
