"""Knowledge base of regelingen, O&O-fondsen and regio's, plus the arrangeur rules and rekenhulp."""
