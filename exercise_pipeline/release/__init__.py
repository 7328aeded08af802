"""Releases: versioned, checksummed folders of the dataset that others can pin.

``diff`` compares datasets and proposes the semantic-version bump; ``changelog`` writes the
entry; ``tables`` flattens the dataset to CSV and Parquet; ``package`` renders the release
folder with its Frictionless descriptor; ``publishing`` checks, builds and writes a release.
"""
