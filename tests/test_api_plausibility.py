"""Unit-mistake checks: values that are certainly in the wrong unit get an error naming the cause."""

import pytest

from coildesign.rf import nuclei


def test_a_frequency_passed_as_b0_is_refused_with_the_likely_cause():
    with pytest.raises(ValueError, match="did you pass a frequency"):
        nuclei.nucleus("1H").larmor_frequency(500e6)
    with pytest.raises(ValueError, match="b0 is in tesla"):
        nuclei.larmor_frequency("1H", 600.0)


def test_real_magnets_pass():
    # 14.1 T gives 600.3 MHz for 1H (gamma/2pi = 42.577 MHz/T, CODATA)
    assert nuclei.nucleus("1H").larmor_frequency(14.1) == pytest.approx(600.34e6, rel=1e-4)
    assert nuclei.nucleus("1H").larmor_frequency(45.0) > 0  # the strongest hybrid magnet is allowed
