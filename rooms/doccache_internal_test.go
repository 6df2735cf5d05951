package rooms

import "testing"

// What a command decoded of a cached document belongs to that version
// only: a fresh read that brings another version (a state computation, a
// join) replaces it, and the next command decodes the new one.
func TestDocCacheDecodedPerVersion(t *testing.T) {
	c := newDocCache(10)
	v1 := Doc{Key: "ex:1", Value: []byte(`{"n":1}`), Version: 11}
	c.put("r", v1)
	x1 := new(int)
	c.keepDecoded("r", "ex:1", 11, x1)
	if got := c.decoded("r", "ex:1", 11); got != x1 {
		t.Fatalf("decoded(v1) = %v, want the kept value", got)
	}
	c.put("r", v1) // the same version read again keeps it
	if got := c.decoded("r", "ex:1", 11); got != x1 {
		t.Fatalf("after the same version was read again: %v", got)
	}
	c.keepDecoded("r", "ex:1", 12, new(int)) // not the cached version: ignored
	if got := c.decoded("r", "ex:1", 11); got != x1 {
		t.Fatalf("a value for another version replaced v1's: %v", got)
	}

	c.put("r", Doc{Key: "ex:1", Value: []byte(`{"n":2}`), Version: 12})
	if got := c.decoded("r", "ex:1", 12); got != nil {
		t.Fatalf("v2 came with v1's decoded value %v", got)
	}
	if got := c.decoded("r", "ex:1", 11); got != nil {
		t.Fatalf("v1's value outlived its version: %v", got)
	}
	if d, ok := c.get("r", "ex:1"); !ok || d.Version != 12 {
		t.Fatalf("get = %+v, %v", d, ok)
	}
	c.drop("r", "ex:1")
	if got := c.decoded("r", "ex:1", 12); got != nil || c.n != 0 {
		t.Fatalf("after drop: %v, %d held", got, c.n)
	}
}
