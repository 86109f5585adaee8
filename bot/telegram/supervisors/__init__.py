"""The complaints chat: the supervisors or internal security, who read complaints about
police conduct."""
