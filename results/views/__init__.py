"""Pages and JSON endpoints of results, one module per domain: the note taker's form (notes), votes in
the room (votes), the control room's actions (control), the plenary screen (plenary), exports, the
JSON API (api) and paper tallies (paper_tallies). Each view reads the request, calls one service or
selector and renders; ``notes_json`` holds the JSON the notes form and the API share."""
