"""The sentiment function's packager (package.py) and sources (sentiment/); in the wheel this folder is the
package `s3batch_lambda` (setup.py), so an installed `s3batch local deploy` finds them."""
