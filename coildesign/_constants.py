"""Physical constants as literals, so that ``import coildesign`` does not import SciPy.

``mu_0``: vacuum magnetic permeability [N/A^2], CODATA 2022 recommended value (Mohr et al.,
Rev. Mod. Phys. 97, 025002 (2025)), the value of ``scipy.constants.mu_0`` in SciPy >= 1.15
and the one magpylib uses; tests/fields/test_segment_kernels.py checks it against SciPy. Every module
of the package takes mu_0 from here; ``validation.py`` takes SciPy's as an independent reference.
"""

mu_0 = 1.25663706127e-6
