"""Series of events: editors create and change them; everyone reads published ones."""
