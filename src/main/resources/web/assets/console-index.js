ML.chrome('dashboard');
