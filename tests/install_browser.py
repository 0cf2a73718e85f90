"""Install what the browser tests need outside pip: Debian's chromium and fonts.

Idempotent: does nothing when /usr/bin/chromium exists. Needs root (CI and the dev
machines run as root); otherwise prints the apt-get command to run.
"""

import os
import shutil
import subprocess
import sys

PACKAGES = ["chromium", "fonts-dejavu-core", "fonts-noto-core"]


def main() -> int:
    if os.path.exists("/usr/bin/chromium"):
        return 0
    if not shutil.which("apt-get"):
        print("chromium missing and apt-get unavailable; install Chromium at /usr/bin/chromium")
        return 1
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    if os.geteuid() != 0:
        print("Run as root: apt-get update && " + " ".join(command))
        return 1
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(command, check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
