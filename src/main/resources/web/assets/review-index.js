ML.chrome('review');
