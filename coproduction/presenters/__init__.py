"""Display logic of co-production pages, one module per part of the journey, so templates hold none.
Presenters read nothing themselves: what they show comes from `coproduction.selectors`."""
