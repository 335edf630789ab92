"""The package's atomic-file helpers, used by every writer here: files go to a temporary beside
the target and are moved into place (``os.replace``), output folders are locked while written.

They live in ``coildesign._files`` (the ground floor); trees from before that move keep them in
``coildesign.export.files``. Once both sides of a merge have the move, the first import alone
stays.
"""

try:
    from coildesign._files import atomic_path, output_folder, write_json, write_text
except ModuleNotFoundError:
    from coildesign.export.files import atomic_path, output_folder, write_json, write_text

__all__ = ["atomic_path", "output_folder", "write_json", "write_text"]
