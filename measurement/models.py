"""Measures and data points arrive with the measurement issue; the SPC engine lives in `measurement.spc`."""
