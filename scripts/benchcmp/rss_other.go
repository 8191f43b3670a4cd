//go:build !linux

package main

import "os"

// maxRSS is unknown off Linux (ru_maxrss units differ, and the jails
// compared here are Linux-only).
func maxRSS(*os.ProcessState) int64 { return 0 }
