//go:build linux

package seccomp

import (
	"encoding/binary"
	"fmt"
)

// seccompData is struct seccomp_data, what a filter reads.
type seccompData struct {
	nr   int32
	arch uint32
	args [6]uint64
}

// word is the 32-bit load at offset off of struct seccomp_data.
func (d seccompData) word(off uint32) (uint32, error) {
	switch {
	case off == 0:
		return uint32(d.nr), nil
	case off == 4:
		return d.arch, nil
	case off == 8 || off == 12:
		return 0, nil // instruction pointer: never used by our filters
	case off >= 16 && off < 64 && off%4 == 0:
		a := d.args[(off-16)/8]
		if (off-16)%8 == 0 {
			return uint32(a), nil // low half first, as on x86_64 and arm64
		}
		return uint32(a >> 32), nil
	}
	return 0, fmt.Errorf("load at offset %d", off)
}

// runBPF interprets a seccomp program on d, the way the kernel would, and
// returns the action. It knows the classic BPF subset libseccomp emits
// and fails on anything else, so a test never passes by misreading.
func runBPF(prog []byte, d seccompData) (uint32, error) {
	var a, x uint32
	var mem [16]uint32
	n := len(prog) / 8
	for pc := 0; pc < n; pc++ {
		b := prog[pc*8:]
		code := binary.NativeEndian.Uint16(b)
		jt, jf := int(b[2]), int(b[3])
		k := binary.NativeEndian.Uint32(b[4:])
		var err error
		switch code {
		case 0x20: // ld [k]
			a, err = d.word(k)
		case 0x00: // ld #k
			a = k
		case 0x01: // ldx #k
			x = k
		case 0x60: // ld M[k]
			a = mem[k%16]
		case 0x61: // ldx M[k]
			x = mem[k%16]
		case 0x02: // st M[k]
			mem[k%16] = a
		case 0x03: // stx M[k]
			mem[k%16] = x
		case 0x54: // and #k
			a &= k
		case 0x5c: // and x
			a &= x
		case 0x07: // tax
			x = a
		case 0x87: // txa
			a = x
		case 0x05: // ja k
			pc += int(k)
		case 0x15, 0x25, 0x35, 0x45, 0x1d, 0x2d, 0x3d, 0x4d: // jeq/jgt/jge/jset, #k or x
			v := k
			if code&0x08 != 0 {
				v = x
			}
			var cond bool
			switch code & 0xf0 {
			case 0x10:
				cond = a == v
			case 0x20:
				cond = a > v
			case 0x30:
				cond = a >= v
			case 0x40:
				cond = a&v != 0
			}
			if cond {
				pc += jt
			} else {
				pc += jf
			}
		case 0x06: // ret #k
			return k, nil
		case 0x16: // ret a
			return a, nil
		default:
			return 0, fmt.Errorf("pc %d: opcode %#x not understood by the test VM", pc, code)
		}
		if err != nil {
			return 0, fmt.Errorf("pc %d: %w", pc, err)
		}
	}
	return 0, fmt.Errorf("program ran off its end")
}
