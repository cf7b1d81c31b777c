"""Everything kept under ``.digest/`` between builds, each piece under a hash of all its inputs."""
