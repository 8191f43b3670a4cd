package cgroup

import "testing"

func TestRunNameRoundTrip(t *testing.T) {
	name, err := runName(4242, 987654321)
	if err != nil {
		t.Fatal(err)
	}
	pid, start, ok := parseRunName(name)
	if !ok || pid != 4242 || start != 987654321 {
		t.Fatalf("parseRunName(%q) = %d, %d, %v", name, pid, start, ok)
	}
	other, _ := runName(4242, 987654321)
	if other == name {
		t.Errorf("two names alike: %s", name)
	}
}

func TestParseRunNameRejects(t *testing.T) {
	for _, name := range []string{
		"jailpy",
		"jailpy-foreign",
		"jailpy-1-2",
		"jailpy-1-2-3",
		"jailpy-0-2-0123456789abcdef",
		"jailpy-+1-2-0123456789abcdef",
		"jailpy--1-2-0123456789abcdef",
		"jailpy-1-2-0123456789abcdeg",
		"jailpy-1-2-0123456789abcdef-x",
		"jailpy-1-2-0123456789abcdef0",
		"user-1-2-0123456789abcdef",
		"jailpy-99999999999999999999999-2-0123456789abcdef",
	} {
		if _, _, ok := parseRunName(name); ok {
			t.Errorf("parseRunName(%q) accepted", name)
		}
	}
}
