"""KiCad S-expressions (``export.fabrication.sexpr``): syntax of KiCad's documentation, round trip."""

import pytest

from coildesign.export.fabrication.sexpr import Symbol, child, children, dumps, loads


def test_atoms_follow_kicads_syntax():
    text = dumps([Symbol("kicad_pcb"), [Symbol("version"), 20211014],
                  [Symbol("at"), 1.5, -0.0, 1e-7, 12.3456789, 100.0],
                  [Symbol("net"), 1, 'a "quoted" \\ name'], [Symbol("hide"), True]])
    assert text.splitlines() == [
        "(kicad_pcb",
        "  (version 20211014)",
        "  (at 1.5 0 0 12.345679 100)",  # mm to 1 nm, no exponent, no negative zero
        '  (net 1 "a \\"quoted\\" \\\\ name")',
        "  (hide yes)",
        ")",
    ]


def test_loads_inverts_dumps():
    tree = [Symbol("kicad_pcb"), [Symbol("layers"), [0, "F.Cu", Symbol("signal")], [31, "B.Cu", Symbol("signal")]],
            [Symbol("net"), 2, 'name with "quotes" and (parens)'], [Symbol("segment"), [Symbol("start"), -1.25, 3]]]
    back = loads(dumps(tree))
    assert back == tree
    assert isinstance(back[1][1][2], Symbol) and not isinstance(back[2][2], Symbol)
    assert child(back, "net")[1] == 2
    assert [c[0] for c in children(back, "segment")] == ["segment"]
    assert child(back, "via") is None


@pytest.mark.parametrize("text", ["(a (b 1)", "(a))", "(a) (b)", ""])
def test_unbalanced_text_is_refused(text):
    with pytest.raises(ValueError, match="S-expression|unmatched"):
        loads(text)


def test_unknown_atom_type_is_refused():
    with pytest.raises(TypeError, match="Input item"):
        dumps([Symbol("a"), [Symbol("b"), None]])
