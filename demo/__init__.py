"""The demonstration data: the small demo world that `make run` loads (`seed`) and the national-scale
synthetic data set (`national`), with the records of each part of the journey (`coproduction`,
`measurement`, `programmes`). The top layer: it imports every app and no app imports it."""
