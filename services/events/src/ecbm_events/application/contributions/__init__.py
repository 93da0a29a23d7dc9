"""Calls for contributions: propose, review, revise; accepted ones join the timetable."""
