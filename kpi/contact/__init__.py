"""Contact-centre operations: Erlang C / Erlang A staffing and the phone platforms' interval layouts."""
