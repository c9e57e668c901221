import { placeholder } from '@whitebox/parallel-core'; console.log(placeholder);
