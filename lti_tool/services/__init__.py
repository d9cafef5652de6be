"""Clients of the LMS's LTI Advantage services (AGS, NRPS), usable with no launch in hand."""
