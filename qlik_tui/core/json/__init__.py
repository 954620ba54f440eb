"""Big JSON bodies: piecewise parse, tree views, search, filter and background disposal."""
