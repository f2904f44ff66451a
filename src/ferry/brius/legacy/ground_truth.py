def compute_ground_truth(conn):
    pass
