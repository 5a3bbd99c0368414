"""Readers and writers: RINEX observation/navigation/clock, SP3, SINEX, solutions."""
