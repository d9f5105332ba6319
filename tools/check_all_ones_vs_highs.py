#!/usr/bin/env python3
"""Long check (not in make test): the all-ones decision of `neural-recovery sample` against
SciPy/HiGHS (max 1ᵀXu s.t. Xu ≥ 0, |u| ≤ 1 is positive iff reachable) on 192 cells.
Run after `swift build -c release`."""
import json, os, subprocess, sys, tempfile
import numpy as np
from scipy.optimize import linprog
BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '.build', 'release', 'neural-recovery')
OUT = os.path.join(tempfile.mkdtemp(), 'c.json')
bad=0; tot=0; reach=0
for n in [10,20,40,60,100,150,200,300]:
    for d in [10,20,50,100]:
        for s in range(3):
            for data in ['gaussian','cubic']:
                subprocess.run([BIN,'sample','--planted','plain','--learned','plain','--n',str(n),'--d',str(d),'--sample',str(s),'--data',data,'--json',OUT],check=True,capture_output=True)
                J=json.load(open(OUT)); X=np.array(J['X'])
                r=linprog(-np.ones(n)@X, A_ub=-X, b_ub=np.zeros(n), bounds=[(-1,1)]*d, method='highs')
                ref = (-r.fun) > 1e-9 or np.linalg.matrix_rank(X) < d
                ours = J['sample']['all_ones_reachable']
                tot+=1; reach+=ours
                if ref!=ours: bad+=1; print('MISMATCH',n,d,s,data,-r.fun,ours)
                ones=[1]*n
                assert (ones in J['patterns']) == ours, (n,d,s)
print('total',tot,'reachable',reach,'mismatches',bad)
