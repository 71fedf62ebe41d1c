"""Health boards, teams, who belongs to a team, which coaches follow it, and who may do what."""
