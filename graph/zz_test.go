package graph

import (
	"fmt"
	"sort"
	"testing"

	"pinn/problems"
)

func TestZZCount(t *testing.T) {
	p, _ := problems.Builtin("forum-final")
	for _, mode := range []Derivative{Symbolic, Forward} {
		cfg := Config{Hidden: []int{32, 32, 32}, Activation: Tanh, OutputActivation: Tanh, Derivative: mode}
		net, _ := NewNetwork(cfg.Hidden, 1, Tanh, Tanh, NewRand(1))
		tr, err := NewTrainer(p, net, cfg, p.Grid(1000), nil, 0.01)
		if err != nil {
			t.Fatal(err)
		}
		m := tr.lg.m
		cnt := map[string]int{}
		elems := map[string]int{}
		for _, mn := range m.nodes {
			if mn.kind == kindTiled || mn.kind == kindReduce || mn.kind == kindGlobal {
				k := fmt.Sprintf("%v %v", mn.kind, mn.node.Op())
				cnt[k]++
				elems[k] += mn.size
			}
		}
		keys := []string{}
		for k := range cnt {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Println(mode, k, cnt[k], elems[k])
		}
		fmt.Println("stages", len(m.stages), "slots", len(m.slots))
	}
}
