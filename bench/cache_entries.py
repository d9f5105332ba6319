"""The cache entries under OUTPUTS/cache/entries, for the replay scripts in bench/."""
import json, os


def entries(outputs):
    """Yields every readable cache entry (the JSON after its header line); unreadable files are skipped."""
    root = os.path.join(outputs, "cache", "entries")
    for sub in os.listdir(root):
        for name in os.listdir(os.path.join(root, sub)):
            if not name.endswith(".entry"):
                continue
            try:
                with open(os.path.join(root, sub, name)) as f:
                    f.readline()
                    yield json.loads(f.read())
            except (OSError, ValueError):
                continue
